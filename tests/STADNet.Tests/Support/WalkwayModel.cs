using STADNet.Model;

namespace STADNet.Tests.Support;

/// <summary>
/// A small model trained once per test run on normal synthetic walkway footage and saved as a
/// checkpoint: what a user does for a new camera before scanning it. Tests that judge training or
/// scores on synthetic footage share it; the shipped model knows Ped2's walkway, not this one.
/// </summary>
public static class WalkwayModel
{
    public static readonly ModelSettings Settings = new() { Width = 48, Height = 32, BaseChannels = 8, LatentChannels = 8, PatchSize = 8 };

    /// <summary>A short schedule, and a held-out check of 16 pseudo-anomalies a kind rather than 80, to keep the suite quick.</summary>
    public static readonly TrainingOptions Options = new() { Epochs = 6, BatchSize = 8, AnomaliesPerBatch = 4, ClipStride = 2, Seed = 3, HeldOutClipsPerKind = 16 };

    /// <summary>The checkpoint, the normal footage it was trained on and the per-epoch history of that run.</summary>
    public sealed record Trained(string Path, IReadOnlyList<TrainingVideo> Videos, IReadOnlyList<EpochResult> History);

    private static readonly Lazy<Task<Trained>> Run = new(TrainAsync);

    /// <summary>The trained model, trained on first use.</summary>
    public static Task<Trained> TrainedAsync() => Run.Value;

    /// <summary>Path of the checkpoint, trained on first use.</summary>
    public static async Task<string> PathAsync() => (await TrainedAsync()).Path;

    private static async Task<Trained> TrainAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"stadnet-walkway-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
        var videos = new List<TrainingVideo>();
        for (var i = 0; i < 3; i++)
            videos.Add(await TrainingFootage.DecodeAsync(SyntheticFootage.Walkway(Path.Combine(folder, $"normal{i}.mp4"), 90 + 10 * i), Settings));
        var path = Path.Combine(folder, "walkway.ckpt");
        var history = await ModelThread.Run(() =>
        {
            var result = new Trainer(Settings, Options).Train(videos, "synthetic walkway", null, CancellationToken.None);
            using var model = result.Model;
            Checkpoint.Save(path, result.Header, model);
            return result.History;
        });
        return new Trained(path, videos, history);
    }
}
