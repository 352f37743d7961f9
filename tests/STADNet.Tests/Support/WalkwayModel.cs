using STADNet.Model;

namespace STADNet.Tests.Support;

/// <summary>
/// A small model trained once per test run on normal synthetic walkway footage and saved as a
/// checkpoint: what a user does for a new camera before scanning it. Tests that judge scores on
/// synthetic footage use it; the shipped model knows Ped2's walkway, not this one.
/// </summary>
public static class WalkwayModel
{
    public static readonly ModelSettings Settings = new() { Width = 48, Height = 32, BaseChannels = 8, LatentChannels = 8, PatchSize = 8 };

    private static readonly Lazy<Task<string>> Trained = new(TrainAsync);

    /// <summary>Path of the checkpoint, trained on first use.</summary>
    public static Task<string> PathAsync() => Trained.Value;

    private static async Task<string> TrainAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"stadnet-walkway-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
        var videos = new List<TrainingVideo>();
        for (var i = 0; i < 3; i++)
            videos.Add(await TrainingFootage.DecodeAsync(SyntheticFootage.Walkway(Path.Combine(folder, $"normal{i}.mp4"), 90 + 10 * i), Settings));
        var options = new TrainingOptions { Epochs = 6, BatchSize = 8, AnomaliesPerBatch = 4, ClipStride = 2, Seed = 3 };
        var path = Path.Combine(folder, "walkway.ckpt");
        await ModelThread.Run(() =>
        {
            var result = new Trainer(Settings, options).Train(videos, "synthetic walkway", null, CancellationToken.None);
            using var model = result.Model;
            Checkpoint.Save(path, result.Header, model);
            return path;
        });
        return path;
    }
}
