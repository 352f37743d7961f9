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
        var defaults = new TrainingOptions();
        var defaultSettings = new ModelSettings();
        var folder = new Argument<string>("folder") { Description = "Folder of normal footage (searched recursively) or one video." };
        var output = new Option<string>("--out") { Description = "Checkpoint file to write.", Required = true };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs.", DefaultValueFactory = _ => defaults.Epochs };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => defaults.Seed };
        var abnormal = new Option<string?>("--abnormal") { Description = "Folder of footage that is anomalous throughout, if you have some: it trains the segment head and margin loss beside the pseudo-anomalies." };
        var without = new Option<string[]>("--without")
        {
            Description = $"Leave a part out, for ablation studies: {string.Join(", ", ModelParts.Names)}. Repeatable.",
            AllowMultipleArgumentsPerToken = true,
            DefaultValueFactory = _ => [],
        };
        var input = new Option<string>("--input")
        {
            Description = "Network input size, WIDTHxHEIGHT (multiples of 8). Larger sees smaller things and costs more: 192x128 about four times 96x64.",
            DefaultValueFactory = _ => $"{defaultSettings.Width}x{defaultSettings.Height}",
        };
        var heldOutClips = HeldOutClipsOption(defaults);
        var command = new Command("train", "Train the anomaly model on normal footage.") { folder, output, epochs, seed, abnormal, without, input, heldOutClips };
        command.SetAction((result, cancellationToken) => CommandErrors.Guard(() =>
            RunAsync(result.GetValue(folder)!, result.GetValue(output)!,
                new TrainingOptions { Epochs = result.GetValue(epochs), Seed = result.GetValue(seed), HeldOutClipsPerKind = result.GetValue(heldOutClips) },
                result.GetValue(abnormal), result.GetValue(without) ?? [], result.GetValue(input)!, cancellationToken)));
        return command;
    }

    /// <summary><c>--held-out-clips</c>, shared by <c>train</c> and <c>calibrate</c>: pseudo-anomalies of each kind in the held-out check.</summary>
    internal static Option<int> HeldOutClipsOption(TrainingOptions defaults) => new("--held-out-clips")
    {
        Description = "Held-out pseudo-anomalies of each kind the held-out check judges epochs and weights by; fewer is faster and noisier.",
        DefaultValueFactory = _ => defaults.HeldOutClipsPerKind,
    };

    internal static void CheckHeldOutClips(TrainingOptions options)
    {
        if (options.HeldOutClipsPerKind < 1) throw new UsageException("--held-out-clips must be at least 1");
    }

    private static async Task<int> RunAsync(string folder, string output, TrainingOptions options, string? abnormal, string[] without, string input,
        CancellationToken cancellationToken)
    {
        var epochs = options.Epochs;
        if (epochs < 1) throw new UsageException("--epochs must be at least 1");
        CheckHeldOutClips(options);
        if (abnormal is not null && !Directory.Exists(abnormal) && !File.Exists(abnormal)) throw new UsageException($"--abnormal: '{abnormal}' does not exist");
        var settings = ModelParts.Without(InputSize(input), without);
        var videos = await LoadAsync(folder, settings, abnormal: false, cancellationToken);
        if (abnormal is not null) videos.AddRange(await LoadAsync(abnormal, settings, abnormal: true, cancellationToken));
        var removed = without.Length == 0 ? "" : $" without {string.Join(", ", without)}";
        Console.WriteLine($"training on {videos.Count(v => !v.Abnormal)} normal videos ({videos.Where(v => !v.Abnormal).Sum(v => v.FrameCount)} frames)"
            + $"{(abnormal is null ? "" : $" and {videos.Count(v => v.Abnormal)} anomalous ones")} at {settings.Width}x{settings.Height}{removed}");

        var csv = Path.ChangeExtension(output, ".training.csv");
        var png = Path.ChangeExtension(output, ".training.png");
        var lines = new List<string> { "epoch,train_loss,heldout_loss,heldout_auc,seconds" };
        var history = new List<EpochResult>();
        var trainer = new Trainer(settings, options);
        // Model work stays on this one thread: TorchSharp scopes and grad mode are per thread.
        var result = await CommandErrors.AsUsage(() => ModelThread.Run(() => trainer.Train(videos, Path.GetFullPath(folder), e =>
        {
            var separation = double.IsNaN(e.HeldOutAuc) ? "" : $"  held-out AUC {e.HeldOutAuc:F4}";
            var skipped = (e.SkippedSteps > 0 ? $"  {e.SkippedSteps} step(s) skipped: loss or gradients not finite" : "")
                          + (e.LeftOutFrames > 0 ? $"  {e.LeftOutFrames} held-out frame(s) left out: scores not finite" : "");
            Console.WriteLine($"epoch {e.Epoch,3}/{epochs}  train {e.TrainLoss:F5}  held-out {e.HeldOutLoss:F5}{separation}  ({e.Seconds:F0} s){skipped}");
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{e.Epoch},{e.TrainLoss:R},{e.HeldOutLoss:R},{e.HeldOutAuc:R},{e.Seconds:F1}"));
            history.Add(e);
        }, cancellationToken), "stadnet-train"));
        Checkpoint.Save(output, result.Header, result.Model);
        result.Model.Dispose();
        await File.WriteAllLinesAsync(csv, lines, cancellationToken);
        LossPlot.Write(png, history);
        var saved = Checkpoint.Load(output);
        var c = saved.Header.Calibration;
        var kept = saved.Header.Training!;
        var auc = kept.HeldOutAuc is { } a ? $" (held-out AUC {a:F4})" : "";
        Console.WriteLine($"best epoch {kept.BestEpoch}{auc}, threshold {c.Threshold:F3}; wrote {output} (model {saved.Id}), {csv} and {png}");
        return 0;
    }

    /// <summary>Default settings at the size <c>--input</c> gives, WIDTHxHEIGHT.</summary>
    private static ModelSettings InputSize(string value)
    {
        var parts = value.Split('x', 'X');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var width)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var height))
        {
            try
            {
                return ModelSettings.AtSize(width, height);
            }
            catch (InvalidDataException e)
            {
                throw new UsageException($"--input {value}: {e.Message}");
            }
        }
        throw new UsageException($"--input must be WIDTHxHEIGHT, such as 192x128; got '{value}'");
    }

    /// <param name="objectFrames">Also decode every video at the object novelty's size (<see cref="ObjectNovelty.FrameScale"/> times larger).</param>
    internal static async Task<List<TrainingVideo>> LoadAsync(string folder, ModelSettings settings, bool abnormal, CancellationToken cancellationToken,
        bool objectFrames = false)
    {
        var format = new FrameFormat(settings.DecodeWidth, settings.DecodeHeight, settings.Colour);
        var videos = new List<TrainingVideo>();
        foreach (var path in VideoArchive.List(folder))
        {
            try
            {
                var info = await VideoProbe.ProbeAsync(path, cancellationToken);
                var frames = await ShardDecoder.DecodeAsync(path, info.Fps, info.StartOffsetSeconds, 0, info.FrameCount, toEnd: true, format, cancellationToken);
                var enlarged = objectFrames
                    ? await ShardDecoder.DecodeLargerAsync(path, info.Fps, info.StartOffsetSeconds, frames, toEnd: true, ObjectNovelty.FrameScale, cancellationToken)
                    : null;
                videos.Add(new TrainingVideo(Path.GetFileName(path), frames.Pixels, frames.Count, abnormal) { ObjectPixels = enlarged?.Pixels });
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
