using System.Collections.Concurrent;
using STADNet.Model.Modules;
using STADNet.Model.Pretrained;
using TorchSharp;
using static TorchSharp.torch;

namespace STADNet.Model;

/// <summary>
/// The silo's model slots: one dedicated thread per slot, each with its own copy of the network.
/// TorchSharp's dispose scopes and grad mode are per thread, so model work never runs on a
/// thread pool or grain scheduler thread; callers await a task while the slot computes.
/// </summary>
public sealed class ScoringEngine : IDisposable
{
    private readonly BlockingCollection<ScoringWork> queue = new();
    private readonly Thread[] threads;
    private readonly Device device;

    public ScoringEngine(int slots)
    {
        if (slots < 1) throw new ArgumentOutOfRangeException(nameof(slots), "a scoring engine needs at least one slot");
        Slots = slots;
        TorchRuntime.EnsureInitialised();
        device = cuda.is_available() ? CUDA : CPU;
        // Share the cores between slots instead of letting every slot claim all of them.
        if (device.type == DeviceType.CPU) set_num_threads(Math.Max(1, Environment.ProcessorCount / slots));
        threads = Enumerable.Range(0, slots).Select(i => new Thread(Run) { IsBackground = true, Name = $"stadnet-model-{i}" }).ToArray();
        foreach (var t in threads) t.Start();
    }

    public int Slots { get; }

    /// <summary>
    /// Combined per-frame evidence and heatmaps for frames after the context frames. A model with object novelty
    /// needs the same frames at <see cref="ObjectNovelty.FrameScale"/> times the decode size too.
    /// </summary>
    public Task<ShardEvidence> ScoreAsync(string checkpointPath, byte[] pixels, int frameCount, int contextFrames, CancellationToken cancellationToken,
        byte[]? objectPixels = null, int firstFrame = 0)
    {
        var work = new ScoringWork(checkpointPath, pixels, frameCount, contextFrames, objectPixels, firstFrame, cancellationToken);
        queue.Add(work, cancellationToken);
        return work.Completion.Task;
    }

    private void Run()
    {
        var models = new Dictionary<string, (Checkpoint Checkpoint, StadNet Model)>();
        ImageNetBackbone? backbone = null;
        try
        {
            foreach (var work in queue.GetConsumingEnumerable())
            {
                if (work.CancellationToken.IsCancellationRequested)
                {
                    work.Completion.TrySetCanceled(work.CancellationToken);
                    continue;
                }
                try
                {
                    if (!models.TryGetValue(work.CheckpointPath, out var loaded))
                    {
                        var checkpoint = Checkpoint.Load(work.CheckpointPath);
                        loaded = (checkpoint, checkpoint.CreateModel(device));
                        models[work.CheckpointPath] = loaded;
                    }
                    var header = loaded.Checkpoint.Header;
                    var objects = header.Calibration.UsesObjects;
                    if (objects && backbone is null) backbone = ImageNetBackbone.LoadDefault(device);
                    var evidence = FrameScorer.ScoreRaw(loaded.Model, header.Settings, work.Pixels, work.FrameCount, work.ContextFrames, device,
                        objects ? backbone : null, work.ObjectPixels, work.FirstFrame, header.Calibration.UsesSpeeds, header.Calibration.UsesGlides,
                        (float)(header.Calibration.Glides?.MovingShare ?? MoverGlide.DefaultMovingShare));
                    var result = new ShardEvidence(header.Calibration.CombineFrames(evidence), header.Calibration.Heatmap(evidence), evidence.Objects);
                    ReleaseWhenIdle();
                    work.Completion.TrySetResult(result);
                }
                catch (Exception e)
                {
                    ReleaseWhenIdle();
                    work.Completion.TrySetException(e);
                }
            }
        }
        finally
        {
            foreach (var (_, model) in models.Values) model.Dispose();
            backbone?.Dispose();
        }
    }

    /// <summary>
    /// Memory goes back to the system when no shard waits (before the last result is handed over, so a caller sees it
    /// gone), not after every shard: the next shard would only fault the same pages in again.
    /// </summary>
    private void ReleaseWhenIdle()
    {
        if (queue.Count == 0) TorchRuntime.ReleaseFreedMemory();
    }

    public void Dispose()
    {
        queue.CompleteAdding();
        // A slot still mid-inference keeps the queue; disposing it under the thread would crash the process.
        var stopped = threads.All(t => t.Join(TimeSpan.FromSeconds(30)));
        if (stopped) queue.Dispose();
    }

    private sealed record ScoringWork(string CheckpointPath, byte[] Pixels, int FrameCount, int ContextFrames, byte[]? ObjectPixels, int FirstFrame, CancellationToken CancellationToken)
    {
        public TaskCompletionSource<ShardEvidence> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
