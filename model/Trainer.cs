using System.Diagnostics;
using STADNet.Model.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace STADNet.Model;

/// <summary>
/// Trains the VAE on normal footage: reconstruction MSE plus a KL term, Adam with weight decay,
/// flip/brightness/contrast augmentation, the best held-out epoch kept, then calibration on the
/// held-out tail of every video. Runs synchronously on the calling thread.
/// </summary>
public sealed class Trainer(ModelSettings settings, TrainingOptions options)
{
    public TrainingResult Train(IReadOnlyList<TrainingVideo> videos, string dataDescription, Action<EpochResult>? onEpoch, CancellationToken cancellationToken)
    {
        settings.Validate();
        TorchRuntime.EnsureInitialised();
        var clock = Stopwatch.StartNew();
        torch.manual_seed(options.Seed);
        var random = new Random(options.Seed);
        var splits = videos.Select(Split).ToList();
        var trainClips = splits.SelectMany((s, v) => ClipStartsIn(s.TrainFrom, s.TrainTo, options.ClipStride).Select(c => (v, c))).ToList();
        var heldOutClips = splits.SelectMany((s, v) => ClipStartsIn(s.HeldFrom, s.HeldTo, settings.ClipFrames).Select(c => (v, c))).ToList();
        if (trainClips.Count == 0 || heldOutClips.Count == 0)
            throw new InvalidOperationException($"not enough footage: need at least {(settings.ClipFrames + 1) * 8} frames of normal video");

        var features = videos.Select(v => ClipBatch.Features(v.Pixels, v.FrameCount, settings)).ToList();
        var model = new StadNetVae("stadnet", settings);
        using var optimizer = optim.Adam(model.parameters(), options.LearningRate, weight_decay: options.WeightDecay);
        var history = new List<EpochResult>();
        Dictionary<string, Tensor>? best = null;
        var bestLoss = double.PositiveInfinity;
        var bestEpoch = 0;
        try
        {
            for (var epoch = 1; epoch <= options.Epochs; epoch++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var epochClock = Stopwatch.StartNew();
                model.train();
                var order = trainClips.OrderBy(_ => random.Next()).ToList();
                double trainSum = 0;
                var batches = 0;
                for (var b = 0; b < order.Count; b += options.BatchSize)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    var batch = Augment(Batch(features, order.Skip(b).Take(options.BatchSize)), random);
                    optimizer.zero_grad();
                    var loss = Loss(model, batch);
                    loss.backward();
                    optimizer.step();
                    trainSum += loss.item<float>();
                    batches++;
                }
                var heldOut = HeldOutLoss(model, features, heldOutClips);
                var result = new EpochResult(epoch, trainSum / batches, heldOut, epochClock.Elapsed.TotalSeconds);
                history.Add(result);
                onEpoch?.Invoke(result);
                if (heldOut < bestLoss)
                {
                    bestLoss = heldOut;
                    bestEpoch = epoch;
                    DisposeAll(best);
                    best = model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());
                }
            }
            if (best is not null) model.load_state_dict(best);
            model.eval();
            var calibration = Calibrate(model, videos, splits);
            var header = new CheckpointHeader
            {
                Settings = settings,
                Calibration = calibration,
                Training = new TrainingRecord(dataDescription, videos.Count,
                    splits.Sum(s => s.TrainTo - s.TrainFrom), splits.Sum(s => s.HeldTo - s.HeldFrom),
                    options.Epochs, bestEpoch, history[bestEpoch - 1].TrainLoss, bestLoss, clock.Elapsed.TotalSeconds,
                    DateTimeOffset.UtcNow),
            };
            return new TrainingResult(model, header, history);
        }
        finally
        {
            DisposeAll(best);
            foreach (var f in features) f.Dispose();
        }
    }

    private sealed record VideoSplit(int TrainFrom, int TrainTo, int HeldFrom, int HeldTo);

    private VideoSplit Split(TrainingVideo video)
    {
        var held = Math.Max(settings.ClipFrames, (int)Math.Round(video.FrameCount * options.HeldOutFraction));
        if (video.FrameCount < 2 * settings.ClipFrames + 1) return new VideoSplit(0, 0, 0, 0);
        var cut = video.FrameCount - held;
        return new VideoSplit(1, cut, cut, video.FrameCount);
    }

    private IEnumerable<int> ClipStartsIn(int from, int to, int stride)
    {
        for (var s = from; s + settings.ClipFrames <= to; s += stride) yield return s;
    }

    private Tensor Batch(IReadOnlyList<Tensor> features, IEnumerable<(int Video, int Start)> clips)
    {
        using var scope = NewDisposeScope();
        var parts = clips.Select(c => features[c.Video][c.Start..(c.Start + settings.ClipFrames)]).ToArray();
        return stack(parts, 0).permute(0, 2, 1, 3, 4).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Flip, brightness and contrast on the appearance channels; motion flips with them.</summary>
    private Tensor Augment(Tensor batch, Random random)
    {
        using var scope = NewDisposeScope();
        if (random.NextDouble() < 0.5) batch = batch.flip(-1);
        var c = settings.ImageChannels;
        var appearance = batch[.., ..c];
        var motion = batch[.., c..];
        var contrast = (float)(0.8 + 0.4 * random.NextDouble());
        var brightness = (float)(0.2 * (random.NextDouble() - 0.5));
        appearance = (appearance * contrast + brightness).clamp(-1, 1);
        motion *= contrast;
        return cat([appearance, motion], 1).MoveToOuterDisposeScope();
    }

    private Tensor Loss(StadNetVae model, Tensor batch)
    {
        using var scope = NewDisposeScope();
        using var result = model.Reconstruct(batch);
        var reconstruction = nn.functional.mse_loss(result.Reconstruction, batch);
        var kl = -0.5 * (1 + result.LogVariance - result.Mean.pow(2) - result.LogVariance.exp()).mean();
        return (reconstruction + options.KlWeight * kl).MoveToOuterDisposeScope();
    }

    private double HeldOutLoss(StadNetVae model, IReadOnlyList<Tensor> features, IReadOnlyList<(int, int)> clips)
    {
        model.eval();
        double sum = 0;
        var batches = 0;
        using var mode = inference_mode();
        for (var b = 0; b < clips.Count; b += options.BatchSize)
        {
            using var scope = NewDisposeScope();
            sum += Loss(model, Batch(features, clips.Skip(b).Take(options.BatchSize))).item<float>();
            batches++;
        }
        return sum / batches;
    }

    private ScoreCalibration Calibrate(StadNetVae model, IReadOnlyList<TrainingVideo> videos, IReadOnlyList<VideoSplit> splits)
    {
        var raw = new List<IReadOnlyList<float>>();
        for (var v = 0; v < videos.Count; v++)
        {
            var s = splits[v];
            if (s.HeldTo - s.HeldFrom < 1) continue;
            // One frame before the held-out tail gives its first frame motion, as a shard's context frame does.
            var first = s.HeldFrom - 1;
            var pixels = videos[v].Pixels.AsSpan(first * settings.BytesPerFrame, (s.HeldTo - first) * settings.BytesPerFrame);
            raw.Add(FrameScorer.ScoreRaw(model, settings, pixels, s.HeldTo - first, contextFrames: 1));
        }
        return ScoreCalibration.Fit(raw, options.SmoothingWindow, options.ThresholdQuantile);
    }

    private static void DisposeAll(Dictionary<string, Tensor>? tensors)
    {
        if (tensors is null) return;
        foreach (var t in tensors.Values) t.Dispose();
    }
}
