using System.Diagnostics;
using STADNet.Model.Modules;
using STADNet.Model.Pretrained;
using TorchSharp;
using static TorchSharp.torch;

namespace STADNet.Model;

/// <summary>
/// Trains STADNet on normal footage. Loss per mini-batch of normal clips plus anomalous clips
/// (pseudo-anomalies made from the normal footage, or a user's labelled anomalies):
/// reconstruction MSE and KL on the normal clips, binary cross-entropy of the segment score on
/// both, and the anomalous margin loss pushing anomalous reconstruction error above normal; L2
/// weight decay through Adam. After every epoch the normal features are fitted on the training part
/// of the footage (<see cref="NormalFeatures"/>); the tail of every normal video is held out: its
/// scores pick the best epoch and calibrate the model. Runs synchronously on the calling thread.
/// </summary>
public sealed partial class Trainer(ModelSettings settings, TrainingOptions options)
{
    /// <summary>The object weights <c>stadnet calibrate --object-weight auto</c> compares on the held-out check.</summary>
    public static readonly IReadOnlyList<double> ObjectWeightCandidates = [0, 0.25, 0.5, 1, 2];

    /// <summary>The speed weights <c>stadnet calibrate --speed-weight auto</c> compares on the held-out check (see <see cref="SpeedCalibration"/>).</summary>
    public static readonly IReadOnlyList<double> SpeedWeightCandidates = [0, 0.25, 0.5, 1, 2];

    /// <summary>The glide weights <c>stadnet calibrate --glide-weight auto</c> compares on the held-out check (see <see cref="GlideCalibration"/>).</summary>
    public static readonly IReadOnlyList<double> GlideWeightCandidates = [0, 0.5, 1, 2, 4, 8];

    /// <summary>
    /// Held-out AUCs this close to the best count as a tie, and the smaller weights win it: a difference of a tenth of a
    /// percent of the normal-anomalous pairs is within the check's noise (a moving average of the weights was not kept for
    /// 0.0002), and a term should earn its place in the score.
    /// </summary>
    public const double HeldOutTie = 0.001;

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

        var frames = FrameTensors(videos);
        var features = Features(frames);
        using var pseudo = new PseudoAnomalies(settings, frames);
        var trainSources = splits.Select((s, v) => new PseudoAnomalies.Source(v, s.TrainFrom - 1, s.TrainTo)).Where(s => s.To - s.From > settings.ClipFrames).ToList();
        var heldSources = HeldSources(splits);
        var labelledAnomalies = videos.Select((v, i) => (v, i)).Where(x => x.v.Abnormal)
            .SelectMany(x => ClipStartsIn(1, x.v.FrameCount, options.ClipStride).Select(c => (x.i, c))).ToList();
        var heldOutAnomalies = MakeHeldOutAnomalies(pseudo, heldSources);

        var model = new StadNet("stadnet", settings);
        var augmentation = new ClipAugmentation(settings, options);
        using var optimizer = optim.Adam(model.parameters(), options.LearningRate, weight_decay: options.WeightDecay);
        var history = new List<EpochResult>();
        Dictionary<string, Tensor>? best = null;
        var bestLoss = double.PositiveInfinity;
        var bestAuc = double.NegativeInfinity;
        ScoreCalibration? bestCalibration = null;
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
                var skipped = 0;
                for (var b = 0; b + options.BatchSize / 2 <= order.Count; b += options.BatchSize)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    var normal = Batch(features, order.Skip(b).Take(options.BatchSize));
                    var anomalous = Anomalies(pseudo, trainSources, features, labelledAnomalies, random);
                    var batch = augmentation.Apply(cat([normal, anomalous], 0), random);
                    // A step whose loss or gradients are not finite would turn every weight to NaN for good. On the AMD EPYC
                    // machines this project runs on, a few batches a run come out not finite, and not the same ones from run
                    // to run, so such a batch is computed once more; if it still is not finite, the step is skipped, as a
                    // mixed-precision loss scaler skips one.
                    var value = float.NaN;
                    var finite = false;
                    for (var attempt = 0; attempt < 2 && !finite; attempt++)
                    {
                        optimizer.zero_grad();
                        var loss = Loss(model, batch, normal.shape[0]);
                        loss.backward();
                        value = loss.item<float>();
                        finite = float.IsFinite(value) && GradientsFinite(model);
                    }
                    if (!finite)
                    {
                        skipped++;
                        continue;
                    }
                    optimizer.step();
                    trainSum += value;
                    batches++;
                }
                if (batches == 0)
                    throw new InvalidOperationException($"training diverged in epoch {epoch}: no mini-batch had a finite loss and gradients (try a lower learning rate)");
                var heldOut = HeldOutLoss(model, features, heldOutClips, heldOutAnomalies.Clips);
                // Cross-fitting needs two held-out videos; with fewer (AUC NaN), held-out loss alone picks the epoch.
                var check = Separation(model, splits, new HeldOutFootage(features, null), heldOutAnomalies, ScoreCalibration.DefaultPooledCells, null, [0]);
                var separation = check.HeldOutAuc;
                var result = new EpochResult(epoch, trainSum / batches, heldOut, epochClock.Elapsed.TotalSeconds, separation) { SkippedSteps = skipped, LeftOutFrames = check.LeftOutFrames };
                history.Add(result);
                onEpoch?.Invoke(result);
                // The epoch kept is the one whose scores best tell held-out normal footage from held-out
                // pseudo-anomalies: what the model is for. Held-out loss keeps falling long after that
                // stops improving (a decoder that rebuilds more also rebuilds anomalies), so it only breaks ties.
                var better = double.IsNaN(separation)
                    ? heldOut < bestLoss
                    : separation > bestAuc || (separation == bestAuc && heldOut < bestLoss);
                if (better)
                {
                    bestAuc = separation;
                    bestCalibration = check.Calibration;
                    bestLoss = heldOut;
                    bestEpoch = epoch;
                    DisposeAll(best);
                    best = model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());
                }
            }
            if (best is not null) model.load_state_dict(best);
            model.eval();
            var calibration = bestCalibration!;
            var header = new CheckpointHeader
            {
                Settings = settings,
                Calibration = calibration,
                Training = new TrainingRecord(dataDescription, videos.Count,
                    splits.Sum(s => s.TrainTo - s.TrainFrom), splits.Sum(s => s.HeldTo - s.HeldFrom),
                    options.Epochs, bestEpoch, history[bestEpoch - 1].TrainLoss, bestLoss, clock.Elapsed.TotalSeconds,
                    DateTimeOffset.UtcNow) { HeldOutAuc = double.IsNaN(history[bestEpoch - 1].HeldOutAuc) ? null : bestAuc },
            };
            return new TrainingResult(model, header, history);
        }
        finally
        {
            DisposeAll(best);
            heldOutAnomalies.Dispose();
            foreach (var f in features) f.Dispose();
            foreach (var f in frames) f.Dispose();
        }
    }

    private List<Tensor> FrameTensors(IReadOnlyList<TrainingVideo> videos) => FrameTensors(videos, settings, v => v.Pixels);

    /// <summary>Byte frames [N, C, H, W] of every video, from the pixels <paramref name="pixels"/> picks, at the decode size of <paramref name="at"/>.</summary>
    private static List<Tensor> FrameTensors(IReadOnlyList<TrainingVideo> videos, ModelSettings at, Func<TrainingVideo, byte[]> pixels) =>
        videos.Select(v => tensor(pixels(v), [v.FrameCount, at.DecodeHeight, at.DecodeWidth, at.ImageChannels], dtype: ScalarType.Byte)
            .permute(0, 3, 1, 2).contiguous()).ToList();

    private List<PseudoAnomalies.Source> HeldSources(IReadOnlyList<VideoSplit> splits) =>
        splits.Select((s, v) => new PseudoAnomalies.Source(v, s.HeldFrom - 1, s.HeldTo)).Where(s => s.To - s.From > settings.ClipFrames).ToList();

    /// <summary>
    /// Made from their own seeds, so training and recalibration judge the same clips; with <paramref name="objectKinds"/>
    /// the turned and patterned objects follow.
    /// </summary>
    private HeldOutAnomalies MakeHeldOutAnomalies(PseudoAnomalies pseudo, IReadOnlyList<PseudoAnomalies.Source> heldSources, bool objectKinds = false,
        bool glides = false, float glideShare = MoverGlide.DefaultMovingShare)
    {
        using var scope = NewDisposeScope();
        var videos = new List<int>();
        // The glide term brings the kind that judges it, as object novelty brings the turned and patterned objects.
        var parts = HeldOutRecipe(objectKinds, glidingKind: glides).Select(r => pseudo.Make(r.Count, heldSources, r.Random, r.Kinds, videos, glides, glideShare)).ToList();
        static Tensor Joined(List<Tensor> p) => (p.Count == 1 ? p[0] : cat(p, 0)).MoveToOuterDisposeScope();
        return new HeldOutAnomalies(Joined(parts.Select(p => p.Clips).ToList()), videos, glides ? Joined(parts.Select(p => p.Glides!).ToList()) : null);
    }

    /// <summary>The held-out pseudo-anomalous clips [N, C + 2, T, H, W], the video each was made from, and, when asked, their mover glides [N, T, cells].</summary>
    private sealed record HeldOutAnomalies(Tensor Clips, IReadOnlyList<int> Videos, Tensor? Glides = null) : IDisposable
    {
        public void Dispose()
        {
            Clips.Dispose();
            Glides?.Dispose();
        }
    }

    /// <summary>
    /// How the held-out pseudo-anomalies are drawn, the same at the decode size and at the object size: training's kinds
    /// from seed + 1; with <paramref name="objectKinds"/>, the turned objects from seed + 2 and the patterned objects
    /// from seed + 3; with <paramref name="glidingKind"/>, the gliding walkers from seed + 4:
    /// <see cref="TrainingOptions.HeldOutClipsPerKind"/> clips of each of these kinds and four times as many of
    /// training's kinds, drawn equally often (a kind a short held-out tail cannot fit is drawn again, so the frame-skipping
    /// kinds come out somewhat fewer). Made once, so every epoch is judged on the same clips.
    /// </summary>
    private IEnumerable<(int Count, Random Random, IReadOnlyList<PseudoAnomalyKind>? Kinds)> HeldOutRecipe(bool objectKinds, bool glidingKind = false)
    {
        var count = options.HeldOutClipsPerKind;
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(options), count, "the held-out check needs at least one pseudo-anomaly of each kind");
        yield return (count * PseudoAnomalies.TrainingKinds.Count, new Random(options.Seed + 1), null);
        if (objectKinds)
        {
            yield return (count, new Random(options.Seed + 2), [PseudoAnomalyKind.TurnedObject]);
            yield return (count, new Random(options.Seed + 3), [PseudoAnomalyKind.PatternedObject]);
        }
        if (glidingKind) yield return (count, new Random(options.Seed + 4), [PseudoAnomalyKind.GlidingWalker]);
    }

    private sealed record VideoSplit(int TrainFrom, int TrainTo, int HeldFrom, int HeldTo);

    /// <summary>Frame 0 has no flow, so clips start at 1. Labelled anomalous videos are never held out.</summary>
    private VideoSplit Split(TrainingVideo video)
    {
        if (video.Abnormal || video.FrameCount < 2 * settings.ClipFrames + 2) return new VideoSplit(0, 0, 0, 0);
        var held = Math.Max(settings.ClipFrames, (int)Math.Round(video.FrameCount * options.HeldOutFraction));
        var cut = video.FrameCount - held;
        return new VideoSplit(1, cut, cut, video.FrameCount);
    }

    private IEnumerable<int> ClipStartsIn(int from, int to, int stride)
    {
        for (var s = from; s + settings.ClipFrames <= to; s += stride) yield return s;
    }

    private Tensor Batch(IReadOnlyList<Tensor> features, IEnumerable<(int Video, int Start)> clips) =>
        ClipBatch.Gather(features, clips, settings.ClipFrames);

    /// <summary>Half labelled anomalies when the user gave some, otherwise all pseudo-anomalies.</summary>
    private Tensor Anomalies(PseudoAnomalies pseudo, IReadOnlyList<PseudoAnomalies.Source> sources, IReadOnlyList<Tensor> features,
        IReadOnlyList<(int Video, int Start)> labelled, Random random)
    {
        using var scope = NewDisposeScope();
        var count = options.AnomaliesPerBatch;
        if (labelled.Count == 0) return pseudo.Make(count, sources, random).MoveToOuterDisposeScope();
        var real = Batch(features, Enumerable.Range(0, count / 2).Select(_ => labelled[random.Next(labelled.Count)]));
        return cat([real, pseudo.Make(count - count / 2, sources, random)], 0).MoveToOuterDisposeScope();
    }

    /// <summary>Whether every gradient of the last backward pass is finite.</summary>
    private static bool GradientsFinite(StadNet model)
    {
        using var scope = NewDisposeScope();
        var finite = model.parameters().Select(p => p.grad).OfType<Tensor>().Select(g => g.isfinite().all()).ToList();
        return finite.Count == 0 || stack(finite).all().item<bool>();
    }

    /// <summary>The first <paramref name="normalCount"/> clips of the batch are normal, the rest anomalous.</summary>
    private Tensor Loss(StadNet model, Tensor batch, long normalCount)
    {
        using var scope = NewDisposeScope();
        using var output = model.Run(batch);
        long b = batch.shape[0], t = settings.ClipFrames;
        var error = (output.Reconstruction - model.Target(batch)).pow(2).mean([1]); // [B, T, H, W]
        var total = error[..(int)normalCount].mean();
        if (output.LogVariance is not null)
        {
            var kl = 0.5 * (output.Mean.pow(2) + output.LogVariance.exp() - 1 - output.LogVariance);
            total += options.KlWeight * kl[..(int)normalCount].mean();
        }
        var anomalous = b - normalCount;
        if (anomalous > 0)
        {
            if (output.SegmentLogit is not null)
            {
                var labels = cat([zeros(normalCount, device: batch.device), ones(anomalous, device: batch.device)], 0);
                total += options.SegmentWeight * nn.functional.binary_cross_entropy_with_logits(output.SegmentLogit, labels);
            }
            // The anomalous loss works on the evidence the score uses: each clip's worst patches.
            var patches = nn.functional.avg_pool2d(error.reshape(b * t, 1, settings.Height, settings.Width), settings.PatchSize);
            var clipError = patches.reshape(b, t, -1).amax(2).mean([1]).clamp_min(1e-8).log();
            var pairs = Math.Min(normalCount, anomalous);
            var gap = clipError[(int)normalCount..(int)(normalCount + pairs)] - clipError[..(int)pairs];
            total += options.MarginWeight * nn.functional.relu(options.Margin - gap).mean();
        }
        return total.MoveToOuterDisposeScope();
    }

    private double HeldOutLoss(StadNet model, IReadOnlyList<Tensor> features, IReadOnlyList<(int, int)> clips, Tensor anomalies)
    {
        model.eval();
        double sum = 0;
        var batches = 0;
        var counted = 0;
        using var mode = inference_mode();
        var perBatch = (int)Math.Max(1, anomalies.shape[0] * options.BatchSize / Math.Max(1, clips.Count));
        for (var b = 0; b < clips.Count; b += options.BatchSize)
        {
            using var scope = NewDisposeScope();
            var normal = Batch(features, clips.Skip(b).Take(options.BatchSize));
            var from = (int)Math.Min(anomalies.shape[0], (long)batches * perBatch);
            var to = (int)Math.Min(anomalies.shape[0], from + perBatch);
            batches++;
            var batch = to > from ? cat([normal, anomalies[from..to]], 0) : normal;
            using var loss = Loss(model, batch, normal.shape[0]);
            // A batch whose output is not finite (as the check's frames can be, see Separation) is left out, as they are.
            var value = loss.item<float>();
            if (!float.IsFinite(value)) continue;
            sum += value;
            counted++;
        }
        return counted == 0 ? double.PositiveInfinity : sum / counted;
    }

    /// <summary>Per-frame network input of every video (flow from the previous frame; see <see cref="ClipBatch"/>).</summary>
    private List<Tensor> Features(IReadOnlyList<Tensor> frames) => Features(frames, glides: false).Features;

    /// <summary>
    /// Per-frame network input of every video and, when <paramref name="glides"/> asks, its mover glides [N, cells] (see
    /// <see cref="MoverGlide"/>; cells counted where <paramref name="glideShare"/> of their pixels move).
    /// </summary>
    private (List<Tensor> Features, List<Tensor>? Glides) Features(IReadOnlyList<Tensor> frames, bool glides, float glideShare = MoverGlide.DefaultMovingShare)
    {
        var features = new List<Tensor>();
        var glideList = glides ? new List<Tensor>() : null;
        foreach (var f in frames)
        {
            using var scope = NewDisposeScope();
            var (x, g) = ClipBatch.Features(f.to_type(ScalarType.Float32).div_(255f), settings, glides, glideShare);
            features.Add(x.MoveToOuterDisposeScope());
            glideList?.Add(g!.MoveToOuterDisposeScope());
        }
        return (features, glideList);
    }

    private static void DisposeAll(Dictionary<string, Tensor>? tensors)
    {
        if (tensors is null) return;
        foreach (var t in tensors.Values) t.Dispose();
    }
}
