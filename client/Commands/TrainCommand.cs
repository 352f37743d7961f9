using System.CommandLine;
using System.Globalization;
using STADNet.Client.Training;
using STADNet.Media;
using STADNet.Model;

namespace STADNet.Client.Commands;

/// <summary><c>stadnet train &lt;folder&gt; --out &lt;checkpoint&gt;</c>: learns what normal looks like in this process.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("folder") { Description = "Folder of normal footage (searched recursively) or one video." };
        var output = new Option<string>("--out") { Description = "Checkpoint file to write.", Required = true };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs.", DefaultValueFactory = _ => new TrainingOptions().Epochs };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => new TrainingOptions().Seed };
        var command = new Command("train", "Train the anomaly model on normal footage.") { folder, output, epochs, seed };
        command.SetAction((result, cancellationToken) => CommandErrors.Guard(() =>
            RunAsync(result.GetValue(folder)!, result.GetValue(output)!, result.GetValue(epochs), result.GetValue(seed), cancellationToken)));
        return command;
    }

    private static async Task<int> RunAsync(string folder, string output, int epochs, int seed, CancellationToken cancellationToken)
    {
        if (epochs < 1) throw new UsageException("--epochs must be at least 1");
        var settings = new ModelSettings();
        var options = new TrainingOptions { Epochs = epochs, Seed = seed };
        var videos = await LoadAsync(folder, settings, cancellationToken);
        Console.WriteLine($"training on {videos.Count} videos, {videos.Sum(v => v.FrameCount)} frames at {settings.Width}x{settings.Height}");

        var csv = Path.ChangeExtension(output, ".training.csv");
        var png = Path.ChangeExtension(output, ".training.png");
        var lines = new List<string> { "epoch,train_loss,heldout_loss,seconds" };
        var history = new List<EpochResult>();
        var trainer = new Trainer(settings, options);
        // Model work stays on this one thread: TorchSharp scopes and grad mode are per thread.
        var result = await ModelThread.Run(() => trainer.Train(videos, Path.GetFullPath(folder), e =>
        {
            Console.WriteLine($"epoch {e.Epoch,3}/{epochs}  train {e.TrainLoss:F5}  held-out {e.HeldOutLoss:F5}  ({e.Seconds:F0} s)");
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{e.Epoch},{e.TrainLoss:R},{e.HeldOutLoss:R},{e.Seconds:F1}"));
            history.Add(e);
        }, cancellationToken), "stadnet-train");
        Checkpoint.Save(output, result.Header, result.Model);
        result.Model.Dispose();
        await File.WriteAllLinesAsync(csv, lines, cancellationToken);
        LossPlot.Write(png, history);
        var saved = Checkpoint.Load(output);
        var c = saved.Header.Calibration;
        Console.WriteLine($"best epoch {saved.Header.Training!.BestEpoch}, threshold {c.Threshold:F3}; wrote {output} (model {saved.Id}), {csv} and {png}");
        return 0;
    }

    internal static async Task<List<TrainingVideo>> LoadAsync(string folder, ModelSettings settings, CancellationToken cancellationToken)
    {
        var format = new FrameFormat(settings.Width, settings.Height, settings.Colour);
        var videos = new List<TrainingVideo>();
        foreach (var path in VideoArchive.List(folder))
        {
            try
            {
                var info = await VideoProbe.ProbeAsync(path, cancellationToken);
                var frames = await ShardDecoder.DecodeAsync(path, info.Fps, info.StartOffsetSeconds, 0, info.FrameCount, toEnd: true, format, cancellationToken);
                videos.Add(new TrainingVideo(Path.GetFileName(path), frames.Pixels, frames.Count));
            }
            catch (VideoInputException e)
            {
                Console.Error.WriteLine($"skipping {path}: {e.Message}");
            }
        }
        if (videos.Count == 0) throw new UsageException($"no readable videos in {folder}");
        return videos;
    }
}
