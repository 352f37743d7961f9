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
public sealed class Trainer(ModelSettings settings, TrainingOptions options)
{
    /// <summary>The object weights <c>stadnet calibrate --object-weight auto</c> compares on the held-out check.</summary>
    public static readonly IReadOnlyList<double> ObjectWeightCandidates = [0, 0.25, 0.5, 1, 2];

    /// <summary>The speed weights <c>stadnet calibrate --speed-weight auto</c> compares on the held-out check (see <see cref="SpeedCalibration"/>).</summary>
    public static readonly IReadOnlyList<double> SpeedWeightCandidates = [0, 0.25, 0.5, 1, 2];

    /// <summary>
    /// Held-out AUCs this close to the best count as a tie, and the smaller weights win it: a difference of a tenth of a
    /// percent of the normal-anomalous pairs is within the check's noise (a moving average of the weights was not kept for
    /// 0.0002), and a term should earn its place in the score.
    /// </summary>
    public const double HeldOutTie = 0.001;

    /// <summary>Held-out object clips made and scored at a time in recalibration, to bound memory.</summary>
    private const int ObjectClipsAtOnce = 16;

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
        var pseudo = new PseudoAnomalies(settings, frames);
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
                var heldOut = HeldOutLoss(model, features, heldOutClips, heldOutAnomalies);
                // Cross-fitting needs two held-out videos; with fewer (AUC NaN), held-out loss alone picks the epoch.
                var check = Separation(model, splits, features, heldOutAnomalies, ScoreCalibration.DefaultPooledCells, null, [0]);
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

    /// <summary>
    /// Refits the normal features and score calibration of a trained model on the footage training uses, and
    /// judges it on the held-out pseudo-anomalies training makes (the same ones, for the same seed). With an
    /// <paramref name="objectWeights"/> above 0 the normal object memory is fitted too, the held-out check gains
    /// <see cref="PseudoAnomalyKind.TurnedObject"/> and <see cref="PseudoAnomalyKind.PatternedObject"/> clips, and of the
    /// weights given the one that separates held-out pseudo-anomalies best is kept (the smaller on a tie, within
    /// <see cref="HeldOutTie"/>); when 0 is kept the memory is cleared. When nothing moves in the footage there is no
    /// memory to fit, and the check is on training's own pseudo-anomalies only.
    /// Of the <paramref name="speedWeights"/> (see <see cref="SpeedCalibration"/>) the best too is kept, jointly with the object weight.
    /// </summary>
    public Recalibration Recalibrate(StadNet model, IReadOnlyList<TrainingVideo> videos, int pooledCells, CancellationToken cancellationToken,
        IReadOnlyList<double>? objectWeights = null, IReadOnlyList<double>? speedWeights = null)
    {
        objectWeights = Candidates(objectWeights, nameof(objectWeights), "object");
        speedWeights = Candidates(speedWeights, nameof(speedWeights), "speed");
        var withObjects = objectWeights.Any(w => w > 0);
        settings.Validate();
        TorchRuntime.EnsureInitialised();
        var splits = videos.Select(Split).ToList();
        var heldSources = HeldSources(splits);
        if (heldSources.Count < 2)
            throw new InvalidOperationException($"not enough footage: need at least two normal videos of {2 * settings.ClipFrames + 2} frames or more");
        var frames = FrameTensors(videos);
        List<Tensor>? features = null;
        try
        {
            var objects = withObjects ? FitObjects(model, splits, videos, heldSources, cancellationToken) : null;
            if (objects is null) model.Objects.Clear();
            cancellationToken.ThrowIfCancellationRequested();
            using var anomalies = MakeHeldOutAnomalies(new PseudoAnomalies(settings, frames), heldSources, objectKinds: objects is not null);
            features = Features(frames);
            cancellationToken.ThrowIfCancellationRequested();
            if (objects is null) return Separation(model, splits, features, anomalies, pooledCells, null, [0], speedWeights);
            var result = Separation(model, splits, features, anomalies, pooledCells, objects, objectWeights, speedWeights);
            if (result.Calibration.UsesObjects) return result;
            // Weight 0 kept: the memory would only add to the file, and the score is the one without the term.
            model.Objects.Clear();
            return result with { Calibration = result.Calibration with { Objects = null, ObjectWeight = 0 } };
        }
        finally
        {
            foreach (var f in features ?? []) f.Dispose();
            foreach (var f in frames) f.Dispose();
        }
    }

    /// <summary>The weights to compare: those given, each 0 or more, or 0 alone when none are.</summary>
    private static IReadOnlyList<double> Candidates(IReadOnlyList<double>? weights, string parameter, string term)
    {
        if (weights is not { Count: > 0 }) return [0];
        if (weights.Any(w => w < 0 || !double.IsFinite(w))) throw new ArgumentOutOfRangeException(parameter, $"{term} weights must be 0 or more");
        return weights;
    }

    /// <summary>
    /// Fits the normal features on the training part of every video, then the score calibration on the
    /// held-out tails, and judges how well it separates held-out normal frames from the held-out
    /// pseudo-anomalies (cross-fitted, see <see cref="HeldOutSeparation"/>; NaN with fewer than two held-out videos).
    /// </summary>
    private Recalibration Separation(StadNet model, IReadOnlyList<VideoSplit> splits, IReadOnlyList<Tensor> features, Tensor anomalies, int pooledCells,
        HeldOutObjects? objects, IReadOnlyList<double> objectWeights, IReadOnlyList<double>? speedWeights = null)
    {
        speedWeights = settings.MotionStream && speedWeights is not null ? speedWeights : [0]; // no flow, no speed term
        model.eval();
        NormalFeatures.Fit(model, features, splits.SelectMany((s, v) => ClipStartsIn(s.TrainFrom, s.TrainTo, settings.ClipFrames).Select(c => (v, c))).ToList());
        var speeds = speedWeights.Any(w => w > 0);
        var evidence = HeldOutEvidence(model, splits, features, speeds);
        if (objects is not null) evidence = evidence.Select((e, i) => e with { Objects = objects.Normal[i] }).ToList();
        var anomalous = FrameScorer.ScoreClips(model, settings, anomalies, speeds).Split(settings.ClipFrames);
        if (objects is not null) anomalous = anomalous.Select((e, i) => e with { Objects = OneSample(objects.Anomalous[i]) }).ToList();
        // A frame whose evidence is not a finite number cannot be ranked: it is left out of the check, and counted.
        var judged = evidence.Sum(e => e.Count) + anomalous.Sum(e => e.Count);
        evidence = evidence.Select(e => e.Frames(e.FiniteFrames())).Where(e => e.Count > 0).ToList();
        anomalous = anomalous.Where(e => e.FiniteFrames().Count == e.Count).ToList();
        var leftOut = judged - evidence.Sum(e => e.Count) - anomalous.Sum(e => e.Count);
        if (evidence.Sum(e => e.Count) < 2 || anomalous.Count == 0)
            throw new InvalidOperationException("the network's held-out scores are not finite: its weights have diverged (in training, try a lower learning rate)");
        ScoreCalibration Fit(IReadOnlyList<FrameEvidence> e, double objectWeight, double speedWeight) =>
            ScoreCalibration.Fit(e, settings, options.SmoothingWindow, options.ThresholdQuantile, pooledCells, objectWeight, speedWeight);
        var candidates = (from o in objectWeights.Distinct().Order()
                          from v in speedWeights.Distinct().Order()
                          select (Object: o, Speed: v, Auc: evidence.Count >= 2 ? HeldOutSeparation.CrossFittedAuc(evidence, anomalous, e => Fit(e, o, v)) : double.NaN))
            .ToList();
        // The smallest weights within HeldOutTie of the best are kept; without an AUC (one held-out video) the smallest stand.
        var top = candidates.Max(c => c.Auc);
        var best = double.IsNaN(top) ? candidates[0] : candidates.First(c => c.Auc >= top - HeldOutTie);
        var calibration = Fit(evidence, best.Object, best.Speed);
        static WeightCheck Check(double weight, double auc) => new(weight, double.IsNaN(auc) ? null : auc);
        if (objects is not null)
            calibration = calibration with { ObjectWeightChecks = candidates.Where(c => c.Speed == best.Speed).Select(c => Check(c.Object, c.Auc)).ToList() };
        if (speedWeights.Distinct().Count() > 1)
            calibration = calibration with { SpeedWeightChecks = candidates.Where(c => c.Object == best.Object).Select(c => Check(c.Speed, c.Auc)).ToList() };
        return new Recalibration(calibration, evidence.Sum(e => e.Count), best.Auc) { LeftOutFrames = leftOut };
    }

    /// <summary>A held-out pseudo-anomaly's object evidence (a span's worth of samples, see <see cref="ObjectNovelty.Lasting"/>) as one sample in the middle of the clip.</summary>
    private float[] OneSample(float value)
    {
        var evidence = Enumerable.Repeat(float.NaN, settings.ClipFrames).ToArray();
        evidence[settings.ClipFrames / 2] = value;
        return evidence;
    }

    /// <summary>Object evidence of the held-out frames of each video (in <see cref="HeldOutEvidence"/>'s order) and of each held-out pseudo-anomaly.</summary>
    private sealed record HeldOutObjects(IReadOnlyList<float[]> Normal, IReadOnlyList<float> Anomalous);

    /// <summary>
    /// Fits the model's normal object memory on the moving windows of the training part of every video (its frames at
    /// the object size) and scores the held-out frames and pseudo-anomalies against it; null when nothing moves in
    /// the training footage. The held-out pseudo-anomalies are made again from the frames at the object size, by the
    /// same recipe and seed as those at the decode size (enlarged ones would be blurred, and blur alone looks novel), and
    /// each is judged as an event lasting a span (<see cref="ObjectNovelty.Lasting"/>), as normal frames are.
    /// </summary>
    private HeldOutObjects? FitObjects(StadNet model, IReadOnlyList<VideoSplit> splits, IReadOnlyList<TrainingVideo> videos,
        IReadOnlyList<PseudoAnomalies.Source> heldSources, CancellationToken cancellationToken)
    {
        if (videos.Any(v => v.ObjectPixels is null)) throw new InvalidOperationException("object novelty needs every video decoded at the object size too");
        using var backbone = ImageNetBackbone.LoadDefault();
        using var scope = NewDisposeScope();
        var larger = ObjectNovelty.FrameSettings(settings);
        var bytes = FrameTensors(videos, larger, v => v.ObjectPixels!);
        var remade = new PseudoAnomalies(larger, bytes);
        var windows = new List<Tensor>();
        for (var v = 0; v < bytes.Count; v++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var video = NewDisposeScope();
            var sampled = ObjectNovelty.MemoryFrames(splits[v].TrainFrom, splits[v].TrainTo);
            if (sampled.Count > 0) windows.Add(ObjectNovelty.NormalWindows(backbone, bytes[v], sampled).MoveToOuterDisposeScope());
        }
        var all = cat(windows.Where(w => w.shape[0] > 0).DefaultIfEmpty(zeros(0, ImageNetBackbone.FeatureLength)).ToList(), 0);
        if (all.shape[0] == 0) return null;
        model.Objects.Fit(all);
        var normal = splits.Select((s, v) => (s, v)).Where(x => x.s.HeldTo - x.s.HeldFrom >= 1)
            .Select(x => ObjectNovelty.Score(backbone, model.Objects, bytes[x.v], x.s.HeldFrom, x.s.HeldTo)).ToList();
        var middle = 1 + settings.ClipFrames / 2;
        var anomalous = new List<float>();
        var drawn = new List<PseudoAnomalyKind>();
        foreach (var (count, random, kinds) in HeldOutRecipe(objectKinds: true))
            for (var made = 0; made < count; made += ObjectClipsAtOnce)
            {
                // A few at a time: 480 clips of 9 frames at 384x256 would hold about 1.7 GB of grey floats at once.
                cancellationToken.ThrowIfCancellationRequested();
                using var some = NewDisposeScope();
                foreach (var clip in remade.Sequences(Math.Min(ObjectClipsAtOnce, count - made), heldSources, random, kinds, drawn))
                    anomalous.Add(ObjectNovelty.Largest(backbone, model.Objects, clip, [middle], ObjectNovelty.WindowsPerFrame)[0]);
            }
        return new HeldOutObjects(normal, ObjectNovelty.Lasting(anomalous, drawn));
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
    private Tensor MakeHeldOutAnomalies(PseudoAnomalies pseudo, IReadOnlyList<PseudoAnomalies.Source> heldSources, bool objectKinds = false)
    {
        using var scope = NewDisposeScope();
        var parts = HeldOutRecipe(objectKinds).Select(r => pseudo.Make(r.Count, heldSources, r.Random, r.Kinds)).ToList();
        return (parts.Count == 1 ? parts[0] : cat(parts, 0)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// How the held-out pseudo-anomalies are drawn, the same at the decode size and at the object size: training's kinds
    /// from seed + 1 and, with <paramref name="objectKinds"/>, the turned objects from seed + 2 and the patterned objects
    /// from seed + 3: <see cref="TrainingOptions.HeldOutClipsPerKind"/> clips of each object kind and four times as many of
    /// training's kinds, drawn equally often (a kind a short held-out tail cannot fit is drawn again, so the frame-skipping
    /// kinds come out somewhat fewer). Made once, so every epoch is judged on the same clips.
    /// </summary>
    private IEnumerable<(int Count, Random Random, IReadOnlyList<PseudoAnomalyKind>? Kinds)> HeldOutRecipe(bool objectKinds)
    {
        var count = options.HeldOutClipsPerKind;
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(options), count, "the held-out check needs at least one pseudo-anomaly of each kind");
        yield return (count * PseudoAnomalies.TrainingKinds.Count, new Random(options.Seed + 1), null);
        if (!objectKinds) yield break;
        yield return (count, new Random(options.Seed + 2), [PseudoAnomalyKind.TurnedObject]);
        yield return (count, new Random(options.Seed + 3), [PseudoAnomalyKind.PatternedObject]);
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

    private List<FrameEvidence> HeldOutEvidence(StadNet model, IReadOnlyList<VideoSplit> splits, IReadOnlyList<Tensor> features, bool speeds) =>
        splits.Select((s, v) => (s, v)).Where(x => x.s.HeldTo - x.s.HeldFrom >= 1)
            .Select(x => FrameScorer.ScoreFeatures(model, settings, features[x.v][x.s.HeldFrom..x.s.HeldTo], speeds)).ToList();

    /// <summary>Per-frame network input of every video (flow from the previous frame; see <see cref="ClipBatch"/>).</summary>
    private List<Tensor> Features(IReadOnlyList<Tensor> frames)
    {
        var features = new List<Tensor>();
        foreach (var f in frames)
        {
            using var scope = NewDisposeScope();
            features.Add(ClipBatch.Features(f.to_type(ScalarType.Float32).div_(255f), settings).MoveToOuterDisposeScope());
        }
        return features;
    }

    private static void DisposeAll(Dictionary<string, Tensor>? tensors)
    {
        if (tensors is null) return;
        foreach (var t in tensors.Values) t.Dispose();
    }
}
