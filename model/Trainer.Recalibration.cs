using STADNet.Model.Modules;
using STADNet.Model.Pretrained;
using static TorchSharp.torch;

namespace STADNet.Model;

// Recalibration of a trained model (stadnet calibrate): the held-out check with the object and speed terms.
public sealed partial class Trainer
{
    /// <summary>Held-out object clips made and scored at a time in recalibration, to bound memory.</summary>
    private const int ObjectClipsAtOnce = 16;

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
        var network = HeldOutEvidence(model, splits, features, speeds);
        var anomalous = FrameScorer.ScoreClips(model, settings, anomalies, speeds).Split(settings.ClipFrames);
        if (objects is not null) anomalous = anomalous.Select((e, i) => e with { Objects = OneSample(objects.Anomalous[i]) }).ToList();
        // A frame whose evidence is not a finite number cannot be ranked: it is left out of the check, and counted.
        var judged = network.Sum(e => e.Count) + anomalous.Sum(e => e.Count);
        var finite = network.Select(e => e.FiniteFrames()).ToList();
        // What the calibration is fitted on (the shipped memory's distances) and what the check judges (each video's
        // distances from the memory of the other half's videos, see FitObjects); without object novelty the two are one.
        List<FrameEvidence> Finite(IReadOnlyList<float[]>? objectEvidence) => network
            .Select((e, i) => (objectEvidence is null ? e : e with { Objects = objectEvidence[i] }).Frames(finite[i])).Where(e => e.Count > 0).ToList();
        var evidence = Finite(objects?.Normal);
        var checkedEvidence = Finite(objects?.Checked);
        anomalous = anomalous.Where(e => e.FiniteFrames().Count == e.Count).ToList();
        var leftOut = judged - evidence.Sum(e => e.Count) - anomalous.Sum(e => e.Count);
        if (evidence.Sum(e => e.Count) < 2 || anomalous.Count == 0)
            throw new InvalidOperationException("the network's held-out scores are not finite: its weights have diverged (in training, try a lower learning rate)");
        ScoreCalibration Fit(IReadOnlyList<FrameEvidence> e, double objectWeight, double speedWeight) =>
            ScoreCalibration.Fit(e, settings, options.SmoothingWindow, options.ThresholdQuantile, pooledCells, objectWeight, speedWeight);
        var candidates = (from o in objectWeights.Distinct().Order()
                          from v in speedWeights.Distinct().Order()
                          select (Object: o, Speed: v, Auc: evidence.Count >= 2 ? HeldOutSeparation.CrossFittedAuc(checkedEvidence, anomalous, e => Fit(e, o, v)) : double.NaN))
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

    /// <summary>
    /// Object evidence of the held-out frames of each video (in <see cref="HeldOutEvidence"/>'s order): from the model's
    /// memory (<paramref name="Normal"/>, what the calibration is fitted on) and from the memory of the other half's videos
    /// (<paramref name="Checked"/>, what the check judges); and of each held-out pseudo-anomaly, from the latter.
    /// </summary>
    private sealed record HeldOutObjects(IReadOnlyList<float[]> Normal, IReadOnlyList<float[]> Checked, IReadOnlyList<float> Anomalous);

    /// <summary>
    /// Fits the model's normal object memory on the moving windows of the training part of every video (its frames at
    /// the object size) and scores the held-out frames and pseudo-anomalies against it; null when nothing moves in
    /// the training footage. The held-out pseudo-anomalies are made again from the frames at the object size, by the
    /// same recipe and seed as those at the decode size (enlarged ones would be blurred, and blur alone looks novel), and
    /// each is judged as an event lasting a span (<see cref="ObjectNovelty.Lasting"/>), as normal frames are.
    /// The check judges a video's held-out frames, and the pseudo-anomalies made from them, against a memory fitted on the
    /// videos of the other parity only (<see cref="HeldOutMemories"/>): a tail a few frames after its video's training part
    /// shows the same people, whose windows the whole memory holds, while footage a scan judges shows people it has never seen.
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
        var owners = new List<long>(); // the video of every window
        for (var v = 0; v < bytes.Count; v++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var video = NewDisposeScope();
            var sampled = ObjectNovelty.MemoryFrames(splits[v].TrainFrom, splits[v].TrainTo);
            if (sampled.Count == 0) continue;
            var found = ObjectNovelty.NormalWindows(backbone, bytes[v], sampled).MoveToOuterDisposeScope();
            windows.Add(found);
            owners.AddRange(Enumerable.Repeat((long)v, (int)found.shape[0]));
        }
        var all = cat(windows.Where(w => w.shape[0] > 0).DefaultIfEmpty(zeros(0, ImageNetBackbone.FeatureLength)).ToList(), 0);
        if (all.shape[0] == 0) return null;
        model.Objects.Fit(all);
        // The halves' memories, like every tensor made here, belong to this method's dispose scope.
        var memories = HeldOutMemories(model.Objects, all, tensor(owners.ToArray()));
        var held = splits.Select((s, v) => (s, v)).Where(x => x.s.HeldTo - x.s.HeldFrom >= 1).ToList();
        // Each held-out frame's windows are seen by the backbone once, and judged against both memories.
        var scored = held.Select(x => ObjectNovelty.Score(backbone, [model.Objects, memories[x.v % 2]], bytes[x.v], x.s.HeldFrom, x.s.HeldTo)).ToList();
        var normal = scored.Select(s => s[0]).ToList();
        var judged = scored.Select(s => s[1]).ToList();
        var middle = 1 + settings.ClipFrames / 2;
        var anomalous = new List<float>();
        var drawn = new List<PseudoAnomalyKind>();
        foreach (var (count, random, kinds) in HeldOutRecipe(objectKinds: true))
            for (var made = 0; made < count; made += ObjectClipsAtOnce)
            {
                // A few at a time: 480 clips of 9 frames at 384x256 would hold about 1.7 GB of grey floats at once.
                cancellationToken.ThrowIfCancellationRequested();
                using var some = NewDisposeScope();
                var sources = new List<int>();
                var clips = remade.Sequences(Math.Min(ObjectClipsAtOnce, count - made), heldSources, random, kinds, drawn, sources);
                for (var c = 0; c < clips.Count; c++)
                    anomalous.Add(ObjectNovelty.Largest(backbone, memories[sources[c] % 2], clips[c], [middle], ObjectNovelty.WindowsPerFrame)[0]);
            }
        return new HeldOutObjects(normal, judged, ObjectNovelty.Lasting(anomalous, drawn));
    }

    /// <summary>
    /// The memories the check judges held-out footage against, by the parity of its video: each fitted on the windows of the
    /// other parity's videos (<paramref name="owners"/>: the video of each of <paramref name="windows"/>), or the whole
    /// <paramref name="memory"/> when those videos show nothing moving.
    /// </summary>
    internal static ObjectNormality[] HeldOutMemories(ObjectNormality memory, Tensor windows, Tensor owners) =>
        Enumerable.Range(0, 2).Select(parity =>
        {
            var others = owners.remainder(2).ne(parity).nonzero().squeeze(1);
            if (others.shape[0] == 0) return memory;
            var half = new ObjectNormality($"held_out_{parity}", windows.shape[1]);
            half.Fit(windows.index_select(0, others));
            return half;
        }).ToArray();
}
