namespace STADNet.Model;

/// <summary>
/// The score formula, fitted on held-out normal footage so a score means the same in every video.
/// Per frame t, with a(t, c) and m(t, c) the appearance and motion (optical flow) reconstruction
/// errors of patch cell c, and F(t) the novelty of its encoder features:
/// <code>
///   A(t)     = mean of the PooledCells highest z_c(log a(t, c)) over the cells c
///   M(t)     = the same of z_c(log m(t, c))
///   raw(t)   = z_F(F(t) − c · (n(t) − n̄))                                  feature novelty, crowd corrected
///            + v · z_O(O(t))                                               object novelty
///            + u · max(0, z_V(V(t)))                                       mover speed
///            + g · max(0, z_G(G(t)))                                       mover glide
///            + w · [ max(0, z_A(A(t))) + max(0, z_M(M(t)))                reconstruction error
///                  + max(0, z_K(log(K(t) + 1e-6)))                         KL divergence
///                  + max(0, z_S(logit S(t))) ]                             segment probability
///   score(t) = (mean of raw over the centred window around t − Mean) / Std
/// </code>
/// F(t) is the mean Mahalanobis distance of the frame's <see cref="NormalFeatures.PooledPlaces"/>
/// most unusual places of the encoder's feature map from the Gaussian of normal features at that
/// place (<see cref="Modules.FeatureNormality"/>): the main evidence, because a decoder trained to
/// rebuild walkers also rebuilds a slow cyclist or a skateboarder well, while the features it
/// encodes them with are ones normal footage never showed there. It counts both ways: a frame more
/// normal than usual scores lower. w is <see cref="ReconstructionWeight"/>.
/// n(t) is the number of patch cells where something moves (<see cref="MoverSpeed"/>), and c and n̄ the crowd correction
/// (<see cref="Crowd"/>, <see cref="CrowdCalibration"/>): how much the novelty of held-out normal frames rises per moving
/// cell, and their mean moving cells; c is 0 unless <c>stadnet calibrate --crowd</c> asks for it (with <c>auto</c>, when
/// no score without it comes within <see cref="Trainer.HeldOutTie"/> of the best held-out AUC).
/// O(t) is the mean object novelty (<see cref="ObjectNovelty"/>) of the sampled frames within
/// <see cref="ObjectNovelty.Span"/> frames centred on t, across the whole video (shards included): how unlike anything
/// moving in normal footage the most changing windows of the view look to a pretrained ImageNet
/// backbone. It sees what the network trained on one camera's walkers cannot: that a slow, light
/// blob is a bicycle. A frame with no sampled moving window in its span adds nothing (z 0).
/// v is <see cref="ObjectWeight"/>: 0 unless <c>stadnet calibrate --object-weight</c> asks for more; with
/// <c>auto</c> it is whichever of <see cref="Trainer.ObjectWeightCandidates"/> separates the held-out
/// pseudo-anomalies best, turned and patterned objects (<see cref="PseudoAnomalyKind.TurnedObject"/>,
/// <see cref="PseudoAnomalyKind.PatternedObject"/>) among them. On Ped2, with the crowd correction and the glide term, the check
/// keeps 2 (0.9435 against 0.9162 without, 1 gives 0.9389) since its things crossing at walking pace are cut out of the ground
/// they stood on (<see cref="PseudoAnomalies"/>); before, it kept 1 (0.9549), each held-out video judged against the memory and normal features of the other
/// half's videos, as the calibration is fitted. In the held-out check a pseudo-anomalous clip's object evidence, one sample
/// standing for its whole clip, is judged as an event lasting a span: the mean of its kind's samples that a span holds
/// (<see cref="ObjectNovelty.Lasting"/>), as a normal frame's is the mean of its span's.
/// Without a normal object memory the term drops out.
/// V(t) is the frame's mover speed ratio (<see cref="SpeedCalibration"/>): the fastest moving patch cell's speed
/// (<see cref="MoverSpeed"/>, from the optical flow the network already takes in) over the normal speed at that height of
/// the view. u is <see cref="SpeedWeight"/>: 0 unless <c>stadnet calibrate --speed-weight</c> asks for more; with <c>auto</c>
/// it is whichever of <see cref="Trainer.SpeedWeightCandidates"/> separates the held-out pseudo-anomalies best, chosen jointly
/// with v. On Ped2, for the network shipped before, its best (0.25: 0.9219 against 0.9216 without) was a tie within
/// <see cref="Trainer.HeldOutTie"/>, so auto keeps 0.
/// It only adds evidence: a frame where nothing moves is not more normal for it. It reads the optical flow, so a model
/// without the motion stream (an ablation) has no speed term either.
/// G(t) is the frame's mover glide (<see cref="GlideCalibration"/>): how rigidly its most rigid mover moves, its speed times
/// the change it makes over the part of that change the optical flow leaves unexplained (<see cref="MoverGlide"/>, measured
/// at decode size): a walker's legs swing against the body the flow follows, a skater, a cyclist or a cart moves as one
/// piece. g is <see cref="GlideWeight"/>: 0 unless <c>stadnet calibrate --glide-weight</c> asks for more; with <c>auto</c>
/// it is whichever of <see cref="Trainer.GlideWeightCandidates"/> separates the held-out pseudo-anomalies best, chosen
/// jointly with v and u. It only adds evidence, and needs the motion stream like the speed term.
/// z_c is a cell's own z-score (<see cref="CellCalibration"/>): the camera is fixed, so a patch
/// error is judged against what that place shows in normal footage, not against the whole frame
/// (under perspective a near walker's error dwarfs a far cyclist's). Appearance and motion are
/// kept apart so a fast mover's flow error is not lost among the appearance errors of a crowd.
/// K is the worst latent KL divergence, S the segment probability of the frame's clip (its logit
/// is the head's output); z_F, z_A, z_M, z_K and z_S are z-scores on held-out normal frames. Each
/// of the bracketed components can only add evidence: one that finds a frame more normal than
/// usual does not cancel another's (the segment head, trained on pseudo-anomalies, can be
/// confidently wrong about a kind of anomaly it never saw). The segment logit's spread is
/// taken as at least 1, since a confident head's held-out logits can vary by almost nothing. A
/// component an ablation removed drops out of the sum. Mean and Std are those of the smoothed raw
/// score on the held-out frames, so a calibrated score is in standard deviations of normal
/// footage, and <see cref="Threshold"/> (events start there) is its <c>ThresholdQuantile</c>
/// quantile there. A heatmap cell is its patch error (all channels) z-scored against that cell's
/// own held-out errors.
/// </summary>
public sealed record ScoreCalibration(
    CellCalibration AppearanceCells,
    ComponentCalibration Appearance,
    CellCalibration? MotionCells,
    ComponentCalibration? Motion,
    ComponentCalibration? Divergence,
    ComponentCalibration? Segment,
    ComponentCalibration Novelty,
    CellCalibration Heat,
    int PooledCells,
    double Mean,
    double Std,
    double Threshold,
    int SmoothingWindow,
    ComponentCalibration? Objects = null,
    double ObjectWeight = 0,
    SpeedCalibration? Speeds = null,
    double SpeedWeight = 0,
    CrowdCalibration? Crowd = null,
    GlideCalibration? Glides = null,
    double GlideWeight = 0)
{
    /// <summary>Calibrated heat below this is stored as 0 in a report's heatmap bytes.</summary>
    public const float HeatMin = -4f;
    /// <summary>Calibrated heat above this is stored as 255.</summary>
    public const float HeatMax = 12f;

    /// <summary>
    /// Default of <see cref="PooledCells"/>: the mean of a frame's 8 most unusual cells (of 96) is
    /// steadier than its single worst cell and still small enough for one cyclist; it separated
    /// held-out pseudo-anomalies best among 1, 3, 8 and 16 on Ped2 (no test labels involved).
    /// </summary>
    public const int DefaultPooledCells = 8;

    /// <summary>
    /// Weight of the reconstruction, KL and segment terms against the feature novelty. On Ped2's
    /// held-out pseudo-anomalies 0, 0.1, 0.25 and 0.5 separated 0.8705, 0.8717, 0.8711 and 0.8687
    /// of them (AUC; no test labels involved); 0.1 keeps every part of the network in the score.
    /// </summary>
    public const double ReconstructionWeight = 0.1;


    /// <summary>
    /// The object weights <c>stadnet calibrate</c> compared, with the held-out AUC of each (the one kept is
    /// <see cref="ObjectWeight"/>, or 0 when <see cref="Objects"/> is null); null when object novelty was not asked for.
    /// </summary>
    public IReadOnlyList<WeightCheck>? ObjectWeightChecks { get; init; }

    /// <summary>
    /// The speed weights <c>stadnet calibrate</c> compared (at the object weight kept), with the held-out AUC of each;
    /// null when only one was asked for.
    /// </summary>
    public IReadOnlyList<WeightCheck>? SpeedWeightChecks { get; init; }

    /// <summary>Whether the score has an object novelty term, so scoring needs the backbone and the frames at the object size.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool UsesObjects => Objects is not null && ObjectWeight > 0;

    /// <summary>
    /// The crowd corrections <c>stadnet calibrate</c> compared: without (weight 0) and with (1), with the held-out
    /// AUC of each; null when only one was asked for.
    /// </summary>
    public IReadOnlyList<WeightCheck>? CrowdChecks { get; init; }

    /// <summary>
    /// The glide weights <c>stadnet calibrate</c> compared (at the object and speed weights kept), with the held-out AUC of each;
    /// null when only one was asked for.
    /// </summary>
    public IReadOnlyList<WeightCheck>? GlideWeightChecks { get; init; }

    /// <summary>Whether the score has a mover glide term, so scoring must measure glides (<see cref="MoverGlide"/>).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool UsesGlides => Glides is not null && GlideWeight > 0;

    /// <summary>Whether the score reads mover speeds, so scoring must measure them: for a speed term, or to count a frame's movers for the crowd correction.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool UsesSpeeds => HasSpeedTerm || Crowd is not null;

    private bool HasSpeedTerm => Speeds is not null && SpeedWeight > 0;

    /// <summary>The un-smoothed sum of component z-scores, per frame, of evidence that spans a whole video (or held-out clip).</summary>
    public float[] Combine(FrameEvidence evidence)
    {
        var raw = CombineFrames(evidence);
        return Objects is null || evidence.Objects is null ? raw : AddObjects(raw, evidence.Objects, ObjectWeight, Objects);
    }

    /// <summary>
    /// The object term added to combined evidence: each frame's object novelty (the mean of the samples within
    /// <see cref="ObjectNovelty.Span"/> frames; see <see cref="Spread"/>) z-scored and weighted; a frame with no sample in its
    /// span, or unscored (NaN), gains nothing. Sampled evidence of a whole video is needed, since the span crosses shards.
    /// </summary>
    public static float[] AddObjects(IReadOnlyList<float> combined, IReadOnlyList<float> samples, double weight, ComponentCalibration calibration)
    {
        if (samples.Count != combined.Count) throw new ArgumentException("one object sample slot per frame is needed", nameof(samples));
        var spread = Spread(samples, ObjectNovelty.Span);
        var result = new float[combined.Count];
        for (var i = 0; i < result.Length; i++)
            result[i] = float.IsNaN(spread[i]) ? combined[i] : (float)(combined[i] + weight * calibration.Z(spread[i]));
        return result;
    }

    /// <summary>The per-frame part of <see cref="Combine"/>: every term but the object novelty, which needs its neighbours.</summary>
    public float[] CombineFrames(FrameEvidence evidence)
    {
        var raw = new float[evidence.Count];
        for (var i = 0; i < raw.Length; i++)
        {
            var sum = Math.Max(0, Appearance.Z(AppearanceCells.TopMean(evidence.Appearance.AsSpan(i * AppearanceCells.Cells, AppearanceCells.Cells), PooledCells)));
            if (Motion is not null && MotionCells is not null) sum += Math.Max(0, Motion.Z(MotionCells.TopMean(evidence.Motion.AsSpan(i * MotionCells.Cells, MotionCells.Cells), PooledCells)));
            if (Divergence is not null) sum += Math.Max(0, Divergence.Z(Math.Log(evidence.Divergence[i] + 1e-6)));
            if (Segment is not null) sum += Math.Max(0, Segment.Z(evidence.Segment[i], minStd: 1));
            raw[i] = (float)(Novelty.Z(Crowd?.Adjust(evidence, i) ?? evidence.Novelty[i]) + ReconstructionWeight * sum);
            if (HasSpeedTerm && evidence.Speeds is { } speeds)
                raw[i] += (float)(SpeedWeight * Math.Max(0, Speeds!.Z(speeds.AsSpan(i * Speeds.Cells, Speeds.Cells))));
            if (UsesGlides && evidence.Glides is { } glides)
                raw[i] += (float)(GlideWeight * Math.Max(0, Glides!.Z(glides.AsSpan(i * Glides.Cells, Glides.Cells))));
        }
        return raw;
    }

    /// <summary>Smoothed and standardised scores of a whole video's combined evidence.</summary>
    public float[] Calibrate(IReadOnlyList<float> combined) => Finish(combined, Mean, Std, SmoothingWindow);

    public static float[] Finish(IReadOnlyList<float> combined, double mean, double std, int window)
    {
        var smoothed = Smooth(combined, window);
        var scores = new float[smoothed.Length];
        for (var i = 0; i < scores.Length; i++) scores[i] = (float)((smoothed[i] - mean) / std);
        return scores;
    }

    /// <summary>Heatmap bytes, row-major per frame: calibrated patch heat mapped from <see cref="HeatMin"/>..<see cref="HeatMax"/> to 0..255.</summary>
    public byte[] Heatmap(FrameEvidence evidence)
    {
        var bytes = new byte[evidence.Patches.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            var z = Heat.Z(i % Heat.Cells, CellCalibration.LogError(evidence.Patches[i]));
            bytes[i] = (byte)Math.Clamp(Math.Round((z - HeatMin) / (HeatMax - HeatMin) * 255), 0, 255);
        }
        return bytes;
    }

    /// <summary>
    /// Centred moving average; the window shrinks at the ends instead of padding. Unscored frames
    /// (NaN, a shard that failed) stay NaN and are left out of their neighbours' averages.
    /// </summary>
    public static float[] Smooth(IReadOnlyList<float> raw, int window)
    {
        var half = Math.Max(0, window / 2);
        var result = new float[raw.Count];
        for (var i = 0; i < raw.Count; i++) result[i] = float.IsNaN(raw[i]) ? float.NaN : WindowMean(raw, i, half);
        return result;
    }

    /// <summary>
    /// Mean of the values (NaN: none) within the centred window of <paramref name="span"/> frames around each
    /// frame; NaN where the window holds none. Sparse samples become a value for every frame.
    /// </summary>
    public static float[] Spread(IReadOnlyList<float> sparse, int span)
    {
        var half = Math.Max(0, span / 2);
        var result = new float[sparse.Count];
        for (var i = 0; i < sparse.Count; i++) result[i] = WindowMean(sparse, i, half);
        return result;
    }

    /// <summary>Mean of the values that are not NaN within <paramref name="half"/> frames of frame i; NaN when there are none.</summary>
    private static float WindowMean(IReadOnlyList<float> values, int i, int half)
    {
        double sum = 0;
        var count = 0;
        for (var j = Math.Max(0, i - half); j <= Math.Min(values.Count - 1, i + half); j++)
        {
            if (float.IsNaN(values[j])) continue;
            sum += values[j];
            count++;
        }
        return count == 0 ? float.NaN : (float)(sum / count);
    }

    /// <summary>Fits the formula on held-out normal footage, one evidence record per video.</summary>
    public static ScoreCalibration Fit(IReadOnlyList<FrameEvidence> heldOut, ModelSettings settings, int smoothingWindow, double quantile,
        int pooledCells = DefaultPooledCells, double objectWeight = 0, double speedWeight = 0, bool crowd = false, double glideWeight = 0,
        double glideShare = MoverGlide.DefaultMovingShare)
    {
        if (pooledCells < 1 || pooledCells > settings.HeatmapCells) throw new ArgumentOutOfRangeException(nameof(pooledCells), $"pooled cells must be 1 to {settings.HeatmapCells}");
        var cells = settings.HeatmapCells;
        var appearanceCells = CellCalibration.Fit(heldOut.Select(e => e.Appearance).ToList(), cells);
        var appearance = ComponentCalibration.Fit(Pooled(heldOut, e => e.Appearance, appearanceCells, pooledCells, cells));
        var motionCells = settings.MotionStream ? CellCalibration.Fit(heldOut.Select(e => e.Motion).ToList(), cells) : null;
        var motion = motionCells is null ? null : ComponentCalibration.Fit(Pooled(heldOut, e => e.Motion, motionCells, pooledCells, cells));
        var divergence = settings.Variational
            ? ComponentCalibration.Fit(heldOut.SelectMany(e => e.Divergence).Select(v => Math.Log(v + 1e-6)).ToArray())
            : null;
        var segment = settings.SegmentHead
            ? ComponentCalibration.Fit(heldOut.SelectMany(e => e.Segment).Select(v => (double)v).ToArray())
            : null;
        var crowdFit = crowd && settings.MotionStream ? CrowdCalibration.Fit(heldOut) : null;
        var novelty = ComponentCalibration.Fit(heldOut.SelectMany(e => Enumerable.Range(0, e.Count)
            .Select(i => crowdFit?.Adjust(e, i) ?? e.Novelty[i])).ToArray());
        var objectValues = heldOut.All(e => e.Objects is not null)
            ? heldOut.SelectMany(e => Spread(e.Objects!, ObjectNovelty.Span)).Where(v => !float.IsNaN(v)).Select(v => (double)v).ToArray()
            : [];
        // Fewer than two frames with a mover in view leave nothing to judge a mover by.
        var objects = objectValues.Length >= 2 ? ComponentCalibration.Fit(objectValues) : null;
        var heat = CellCalibration.Fit(heldOut.Select(e => e.Patches).ToList(), cells);
        // The speed term reads the optical flow: an ablation without the motion stream leaves it out too.
        var speeds = speedWeight > 0 && settings.MotionStream ? SpeedCalibration.Fit(heldOut, settings.HeatmapRows, settings.HeatmapColumns) : null;
        // So does the glide term.
        var glides = glideWeight > 0 && settings.MotionStream ? GlideCalibration.Fit(heldOut, cells, glideShare) : null;
        var partial = new ScoreCalibration(appearanceCells, appearance, motionCells, motion, divergence, segment, novelty, heat, pooledCells, 0, 1, 0, smoothingWindow,
            objects, objects is null ? 0 : objectWeight, speeds, speeds is null ? 0 : speedWeight, crowdFit, glides, glides is null ? 0 : glideWeight);
        var smoothed = heldOut.SelectMany(e => Smooth(partial.Combine(e), smoothingWindow)).Select(v => (double)v).ToArray();
        var combined = ComponentCalibration.Fit(smoothed);
        var calibrated = smoothed.Select(v => combined.Z(v)).Order().ToArray();
        return partial with { Mean = combined.Mean, Std = combined.Std, Threshold = ComponentCalibration.Quantile(calibrated, quantile) };
    }

    /// <summary>Pooled cell z-scores of every held-out frame.</summary>
    private static double[] Pooled(IReadOnlyList<FrameEvidence> heldOut, Func<FrameEvidence, float[]> patches, CellCalibration calibration, int pooledCells, int cells) =>
        heldOut.SelectMany(e => Enumerable.Range(0, e.Count).Select(i => calibration.TopMean(patches(e).AsSpan(i * cells, cells), pooledCells))).ToArray();
}
