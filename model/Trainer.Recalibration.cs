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
    /// Of the <paramref name="speedWeights"/> (see <see cref="SpeedCalibration"/>) and <paramref name="glideWeights"/> (see
    /// <see cref="GlideCalibration"/>) the best too are kept, jointly with the object weight; glide weights above 0 add
    /// <see cref="PseudoAnomalyKind.GlidingWalker"/> clips to the check. The check judges the scores a scan reports, smoothed
    /// (see <see cref="HeldOutSeparation.CrossFittedAuc"/>), unless <paramref name="smoothed"/> asks for the raw evidence
    /// training's epoch check judges. Glides count the cells where <paramref name="glideShare"/> of the pixels move, and the
    /// calibration records it, so a scan measures them the same way.
    /// </summary>
    public Recalibration Recalibrate(StadNet model, IReadOnlyList<TrainingVideo> videos, int pooledCells, CancellationToken cancellationToken,
        IReadOnlyList<double>? objectWeights = null, IReadOnlyList<double>? speedWeights = null, IReadOnlyList<bool>? crowd = null,
        IReadOnlyList<double>? glideWeights = null, bool smoothed = true, float glideShare = MoverGlide.DefaultMovingShare)
    {
        if (!(glideShare > 0 && glideShare <= 1)) throw new ArgumentOutOfRangeException(nameof(glideShare), glideShare, "the glide's moving share must be above 0 and at most 1");
        objectWeights = Candidates(objectWeights, nameof(objectWeights), "object");
        speedWeights = Candidates(speedWeights, nameof(speedWeights), "speed");
        // Glides are measured on the optical flow: without the motion stream there is no glide term.
        glideWeights = settings.MotionStream ? Candidates(glideWeights, nameof(glideWeights), "glide") : [0];
        var withGlides = glideWeights.Any(w => w > 0);
        var withObjects = objectWeights.Any(w => w > 0);
        settings.Validate();
        TorchRuntime.EnsureInitialised();
        var splits = videos.Select(Split).ToList();
        var heldSources = HeldSources(splits);
        if (heldSources.Count < 2)
            throw new InvalidOperationException($"not enough footage: need at least two normal videos of {2 * settings.ClipFrames + 2} frames or more");
        var frames = FrameTensors(videos);
        List<Tensor>? features = null;
        List<Tensor>? glides = null;
        try
        {
            var objects = withObjects ? FitObjects(model, splits, videos, heldSources, withGlides, cancellationToken) : null;
            if (objects is null) model.Objects.Clear();
            cancellationToken.ThrowIfCancellationRequested();
            using var pseudo = new PseudoAnomalies(settings, frames);
            using var anomalies = MakeHeldOutAnomalies(pseudo, heldSources, objectKinds: objects is not null, glides: withGlides, glideShare);
            (features, glides) = Features(frames, withGlides, glideShare);
            cancellationToken.ThrowIfCancellationRequested();
            var normal = new HeldOutFootage(features, glides);
            // Judged as a scan reports scores, smoothed; training's epoch check, which chose the shipped network, judges raw evidence.
            if (objects is null) return Separation(model, splits, normal, anomalies, pooledCells, null, [0], speedWeights, crowd, glideWeights, smoothed, glideShare);
            var result = Separation(model, splits, normal, anomalies, pooledCells, objects, objectWeights, speedWeights, crowd, glideWeights, smoothed, glideShare);
            if (result.Calibration.UsesObjects) return result;
            // Weight 0 kept: the memory would only add to the file, and the score is the one without the term.
            model.Objects.Clear();
            return result with { Calibration = result.Calibration with { Objects = null, ObjectWeight = 0 } };
        }
        finally
        {
            foreach (var f in features ?? []) f.Dispose();
            foreach (var g in glides ?? []) g.Dispose();
            foreach (var f in frames) f.Dispose();
        }
    }

    /// <summary>Every video's per-frame network input and, when the check measures them, its mover glides [N, cells].</summary>
    private sealed record HeldOutFootage(IReadOnlyList<Tensor> Features, IReadOnlyList<Tensor>? Glides);

    /// <summary>The weights to compare: those given, each 0 or more, or 0 alone when none are.</summary>
    private static IReadOnlyList<double> Candidates(IReadOnlyList<double>? weights, string parameter, string term)
    {
        if (weights is not { Count: > 0 }) return [0];
        if (weights.Any(w => w < 0 || !double.IsFinite(w))) throw new ArgumentOutOfRangeException(parameter, $"{term} weights must be 0 or more");
        return weights;
    }

    /// <summary>
    /// Fits the normal features on the training part of every video, then the score calibration on the held-out tails,
    /// and judges how well it separates held-out normal frames from the held-out pseudo-anomalies (cross-fitted, see
    /// <see cref="HeldOutSeparation"/>; NaN with fewer than two held-out videos). Each tail is judged, and the calibration
    /// fitted on it, as footage the normal features and memory were never fitted on (see <see cref="HeldOutNetwork"/>):
    /// judged by those of every video, a tail looks more normal than new footage does, and a threshold set on it flagged
    /// 13 % of Ped2's held-out normal frames judged as new, not the 0.5 % it was set for.
    /// </summary>
    private Recalibration Separation(StadNet model, IReadOnlyList<VideoSplit> splits, HeldOutFootage footage, HeldOutAnomalies anomalies, int pooledCells,
        HeldOutObjects? objects, IReadOnlyList<double> objectWeights, IReadOnlyList<double>? speedWeights = null, IReadOnlyList<bool>? crowd = null,
        IReadOnlyList<double>? glideWeights = null, bool smoothed = false, float glideShare = MoverGlide.DefaultMovingShare)
    {
        glideWeights = footage.Glides is not null && glideWeights is not null ? glideWeights : [0];
        // Without the flow there is no speed term, and no movers to count for the crowd correction.
        speedWeights = settings.MotionStream && speedWeights is not null ? speedWeights : [0];
        crowd = settings.MotionStream && crowd is { Count: > 0 } ? crowd : [false];
        var speeds = speedWeights.Any(w => w > 0) || crowd.Contains(true);
        var (network, anomalous) = HeldOutNetwork(model, splits, footage, anomalies, speeds);
        if (objects is not null)
        {
            // Both sizes draw the same clips by the same recipe and seeds; each clip is judged by its source video's fold.
            if (!objects.Videos.SequenceEqual(anomalies.Videos))
                throw new InvalidOperationException("the held-out pseudo-anomalies at the object size are not those at the decode size");
            network = network.Select((e, i) => e with { Objects = objects.Normal[i] }).ToList();
            anomalous = anomalous.Select((e, i) => e with { Objects = OneSample(objects.Anomalous[i]) }).ToList();
        }
        // A frame whose evidence is not a finite number cannot be ranked: it is left out of the check, and counted.
        var judged = network.Sum(e => e.Count) + anomalous.Sum(e => e.Count);
        var evidence = network.Select(e => e.Frames(e.FiniteFrames())).Where(e => e.Count > 0).ToList();
        anomalous = anomalous.Where(e => e.FiniteFrames().Count == e.Count).ToList();
        var leftOut = judged - evidence.Sum(e => e.Count) - anomalous.Sum(e => e.Count);
        if (evidence.Sum(e => e.Count) < 2 || anomalous.Count == 0)
            throw new InvalidOperationException("the network's held-out scores are not finite: its weights have diverged (in training, try a lower learning rate)");
        ScoreCalibration Fit(IReadOnlyList<FrameEvidence> e, double objectWeight, double speedWeight, bool busy, double glideWeight) =>
            ScoreCalibration.Fit(e, settings, options.SmoothingWindow, options.ThresholdQuantile, pooledCells, objectWeight, speedWeight, busy, glideWeight, glideShare);
        // Without the crowd correction first: within a tie the score stays the simpler one.
        var candidates = (from c in crowd.Distinct().Order()
                          from g in glideWeights.Distinct().Order()
                          from o in objectWeights.Distinct().Order()
                          from v in speedWeights.Distinct().Order()
                          select (Setting: new ScoreSetting(o, v, c, g),
                              Auc: evidence.Count >= 2 ? HeldOutSeparation.CrossFittedAuc(evidence, anomalous, e => Fit(e, o, v, c, g), smoothed) : double.NaN))
            .ToList();
        // The smallest weights within HeldOutTie of the best are kept; without an AUC (one held-out video) the smallest stand.
        var top = candidates.Max(c => c.Auc);
        var best = double.IsNaN(top) ? candidates[0] : candidates.First(c => c.Auc >= top - HeldOutTie);
        var kept = best.Setting;
        var calibration = Fit(evidence, kept.Object, kept.Speed, kept.Crowd, kept.Glide);
        // The candidates that differ from the one kept in one setting only (the one `blank` sets aside), and their AUCs.
        List<WeightCheck> Along(Func<ScoreSetting, ScoreSetting> blank, Func<ScoreSetting, double> weight) => candidates
            .Where(c => blank(c.Setting) == blank(kept)).Select(c => new WeightCheck(weight(c.Setting), double.IsNaN(c.Auc) ? null : c.Auc)).ToList();
        calibration = calibration with
        {
            ObjectWeightChecks = objects is null ? null : Along(s => s with { Object = 0 }, s => s.Object),
            SpeedWeightChecks = speedWeights.Distinct().Count() > 1 ? Along(s => s with { Speed = 0 }, s => s.Speed) : null,
            CrowdChecks = crowd.Distinct().Count() > 1 ? Along(s => s with { Crowd = false }, s => s.Crowd ? 1 : 0) : null,
            GlideWeightChecks = glideWeights.Distinct().Count() > 1 ? Along(s => s with { Glide = 0 }, s => s.Glide) : null,
        };
        return new Recalibration(calibration, evidence.Sum(e => e.Count), best.Auc) { LeftOutFrames = leftOut };
    }

    /// <summary>One score formula the held-out check compares: its object, speed and glide weights and whether it corrects for crowds.</summary>
    private readonly record struct ScoreSetting(double Object, double Speed, bool Crowd, double Glide);

    /// <summary>
    /// The network's evidence of the held-out frames of every video, with the normal features fitted on the training part
    /// of the videos of the other parity only, and of each held-out pseudo-anomaly (one record a clip) with those of the
    /// parity other than its source video's: a tail a few frames after its video's training part shows the same people in
    /// the same places, while footage a scan judges shows people the features were never fitted on (as
    /// <see cref="HeldOutMemories"/> for objects). The model is then left fitted on every video, as it ships. Where the
    /// other parity has no training clips, every video's stand in.
    /// </summary>
    private (List<FrameEvidence> Normal, List<FrameEvidence> Anomalous) HeldOutNetwork(StadNet model,
        IReadOnlyList<VideoSplit> splits, HeldOutFootage footage, HeldOutAnomalies anomalies, bool speeds)
    {
        var features = footage.Features;
        model.eval();
        List<(int Video, int Start)> TrainingClips(Func<int, bool> of) => splits
            .SelectMany((s, v) => of(v) ? ClipStartsIn(s.TrainFrom, s.TrainTo, settings.ClipFrames).Select(c => (v, c)) : []).ToList();
        var held = HeldOutVideos(splits);
        FrameEvidence Held(int i) => HeldOutTail(model, footage, held[i], speeds);
        var judged = new FrameEvidence[held.Count];
        var anomalous = new FrameEvidence[anomalies.Videos.Count];
        for (var parity = 0; parity < 2; parity++)
        {
            var others = TrainingClips(v => v % 2 != parity);
            NormalFeatures.Fit(model, features, others.Count > 0 ? others : TrainingClips(_ => true));
            for (var i = 0; i < held.Count; i++)
                if (held[i].Video % 2 == parity) judged[i] = Held(i);
            var mine = Enumerable.Range(0, anomalous.Length).Where(i => anomalies.Videos[i] % 2 == parity).ToArray();
            if (mine.Length == 0) continue;
            using var index = tensor(mine.Select(i => (long)i).ToArray());
            using var clips = anomalies.Clips.index_select(0, index);
            using var glides = anomalies.Glides?.index_select(0, index);
            var scored = FrameScorer.ScoreClips(model, settings, clips, speeds, glides).Split(settings.ClipFrames);
            for (var k = 0; k < mine.Length; k++) anomalous[mine[k]] = scored[k];
        }
        NormalFeatures.Fit(model, features, TrainingClips(_ => true));
        return (judged.ToList(), anomalous.ToList());
    }

    /// <summary>The videos with a held-out tail, in order: the order of every list of held-out evidence.</summary>
    private static List<(VideoSplit Split, int Video)> HeldOutVideos(IReadOnlyList<VideoSplit> splits) =>
        splits.Select((s, v) => (s, v)).Where(x => x.s.HeldTo - x.s.HeldFrom >= 1).ToList();

    /// <summary>The network's evidence of one video's held-out tail, with the normal features the model holds now.</summary>
    private FrameEvidence HeldOutTail(StadNet model, HeldOutFootage footage, (VideoSplit Split, int Video) held, bool speeds)
    {
        var (from, to) = (held.Split.HeldFrom, held.Split.HeldTo);
        return FrameScorer.ScoreFeatures(model, settings, footage.Features[held.Video][from..to], speeds, footage.Glides?[held.Video][from..to]);
    }

    /// <summary>
    /// The mean feature novelty of each video's held-out tail as the held-out check judges it and the calibration is fitted
    /// on it (<c>Judged</c>: normal features of the other parity's videos, see <see cref="HeldOutNetwork"/>) and as the
    /// normal features the model is left with judge it (<c>Shipped</c>: those of every video).
    /// </summary>
    internal (double[] Shipped, double[] Judged) HeldOutNovelty(StadNet model, IReadOnlyList<TrainingVideo> videos)
    {
        TorchRuntime.EnsureInitialised();
        var frames = FrameTensors(videos);
        var features = Features(frames);
        try
        {
            var splits = videos.Select(Split).ToList();
            using var none = new HeldOutAnomalies(empty(0), []);
            var footage = new HeldOutFootage(features, null);
            var (judged, _) = HeldOutNetwork(model, splits, footage, none, speeds: false);
            var shipped = HeldOutVideos(splits).Select(x => HeldOutTail(model, footage, x, speeds: false));
            return (shipped.Select(e => (double)e.Novelty.Average()).ToArray(), judged.Select(e => (double)e.Novelty.Average()).ToArray());
        }
        finally
        {
            foreach (var f in features) f.Dispose();
            foreach (var f in frames) f.Dispose();
        }
    }

    /// <summary>A held-out pseudo-anomaly's object evidence (a span's worth of samples, see <see cref="ObjectNovelty.Lasting"/>) as one sample in the middle of the clip.</summary>
    private float[] OneSample(float value)
    {
        var evidence = Enumerable.Repeat(float.NaN, settings.ClipFrames).ToArray();
        evidence[settings.ClipFrames / 2] = value;
        return evidence;
    }

    /// <summary>
    /// Object evidence of the held-out frames of each video (in <see cref="HeldOutNetwork"/>'s order) and of each held-out
    /// pseudo-anomaly, from the memory of the other half's videos (see <see cref="FitObjects"/>), and the video each
    /// pseudo-anomaly was made from.
    /// </summary>
    private sealed record HeldOutObjects(IReadOnlyList<float[]> Normal, IReadOnlyList<float> Anomalous, IReadOnlyList<int> Videos);

    /// <summary>
    /// Fits the model's normal object memory on the moving windows of the training part of every video (its frames at
    /// the object size) and scores the held-out frames and pseudo-anomalies; null when nothing moves in the training
    /// footage. The held-out pseudo-anomalies are made again from the frames at the object size, by the same recipe and
    /// seed as those at the decode size (enlarged ones would be blurred, and blur alone looks novel), and
    /// each is judged as an event lasting a span (<see cref="ObjectNovelty.Lasting"/>), as normal frames are.
    /// The check judges a video's held-out frames, and the pseudo-anomalies made from them, against a memory fitted on the
    /// videos of the other parity only (<see cref="HeldOutMemories"/>): a tail a few frames after its video's training part
    /// shows the same people, whose windows the whole memory holds, while footage a scan judges shows people it has never seen.
    /// </summary>
    private HeldOutObjects? FitObjects(StadNet model, IReadOnlyList<VideoSplit> splits, IReadOnlyList<TrainingVideo> videos,
        IReadOnlyList<PseudoAnomalies.Source> heldSources, bool glidingKind, CancellationToken cancellationToken)
    {
        if (videos.Any(v => v.ObjectPixels is null)) throw new InvalidOperationException("object novelty needs every video decoded at the object size too");
        using var backbone = ImageNetBackbone.LoadDefault();
        using var scope = NewDisposeScope();
        var larger = ObjectNovelty.FrameSettings(settings);
        var bytes = FrameTensors(videos, larger, v => v.ObjectPixels!);
        using var remade = new PseudoAnomalies(larger, bytes);
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
        var normal = HeldOutVideos(splits).Select(x => ObjectNovelty.Score(backbone, memories[x.Video % 2], bytes[x.Video], x.Split.HeldFrom, x.Split.HeldTo)).ToList();
        var middle = 1 + settings.ClipFrames / 2;
        var anomalous = new List<float>();
        var drawn = new List<PseudoAnomalyKind>();
        var drawnVideos = new List<int>();
        foreach (var (count, random, kinds) in HeldOutRecipe(objectKinds: true, glidingKind))
            for (var made = 0; made < count; made += ObjectClipsAtOnce)
            {
                // A few at a time: 480 clips of 9 frames at 384x256 would hold about 1.7 GB of grey floats at once.
                cancellationToken.ThrowIfCancellationRequested();
                using var some = NewDisposeScope();
                var sources = new List<int>();
                var clips = remade.Sequences(Math.Min(ObjectClipsAtOnce, count - made), heldSources, random, kinds, drawn, sources);
                for (var c = 0; c < clips.Count; c++)
                    anomalous.Add(ObjectNovelty.Largest(backbone, memories[sources[c] % 2], clips[c], [middle], ObjectNovelty.WindowsPerFrame)[0]);
                drawnVideos.AddRange(sources);
            }
        return new HeldOutObjects(normal, ObjectNovelty.Lasting(anomalous, drawn), drawnVideos);
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
