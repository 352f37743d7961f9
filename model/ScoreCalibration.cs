namespace STADNet.Model;

/// <summary>
/// The score formula, fitted on held-out normal footage so a score means the same in every video.
/// Per frame t:
/// <code>
///   raw(t)   = max(0, z_A(log A(t))) + max(0, z_M(log M(t)))        reconstruction error
///            + max(0, z_K(log(K(t) + 1e-6)))                        KL divergence
///            + max(0, z_S(logit S(t)))                              segment probability
///   score(t) = (mean of raw over the centred window around t − Mean) / Std
/// </code>
/// A and M are the worst patch reconstruction errors of the frame's appearance and of its motion
/// (optical flow), kept apart so a fast mover's flow error is not lost among the appearance errors
/// of a crowd; K is the worst latent KL divergence, S the
/// segment probability of its clip (its logit is the head's output); each z is that component's
/// z-score on held-out normal frames, so all weigh the same. Each component can only add
/// evidence: one that finds a frame more normal than usual does not cancel another's (the segment
/// head, trained on pseudo-anomalies, can be confidently wrong about a kind of anomaly it never
/// saw). The segment logit's spread is taken as at least 1, since a confident head's held-out
/// logits can vary by almost nothing. A component an ablation removed drops out of the sum. Mean and Std are those of the smoothed raw score on the held-out frames, so a
/// calibrated score is in standard deviations of normal footage, and <see cref="Threshold"/>
/// (events start there) is its <c>ThresholdQuantile</c> quantile there. Heatmap cells are patch
/// errors z-scored against all held-out patches.
/// </summary>
public sealed record ScoreCalibration(
    ComponentCalibration Reconstruction,
    ComponentCalibration? Motion,
    ComponentCalibration? Divergence,
    ComponentCalibration? Segment,
    ComponentCalibration Heat,
    double Mean,
    double Std,
    double Threshold,
    int SmoothingWindow)
{
    /// <summary>Calibrated heat below this is stored as 0 in a report's heatmap bytes.</summary>
    public const float HeatMin = -4f;
    /// <summary>Calibrated heat above this is stored as 255.</summary>
    public const float HeatMax = 12f;

    /// <summary>The un-smoothed sum of component z-scores, per frame.</summary>
    public float[] Combine(FrameEvidence evidence)
    {
        var raw = new float[evidence.Count];
        for (var i = 0; i < raw.Length; i++)
        {
            var sum = Math.Max(0, Reconstruction.Z(LogOf(evidence.Reconstruction[i])));
            if (Motion is not null) sum += Math.Max(0, Motion.Z(LogOf(evidence.Motion[i])));
            if (Divergence is not null) sum += Math.Max(0, Divergence.Z(Math.Log(evidence.Divergence[i] + 1e-6)));
            if (Segment is not null) sum += Math.Max(0, Segment.Z(evidence.Segment[i], minStd: 1));
            raw[i] = (float)sum;
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
            var z = Heat.Z(LogOf(evidence.Patches[i]));
            bytes[i] = (byte)Math.Clamp(Math.Round((z - HeatMin) / (HeatMax - HeatMin) * 255), 0, 255);
        }
        return bytes;
    }

    /// <summary>Centred moving average; the window shrinks at the ends instead of padding.</summary>
    public static float[] Smooth(IReadOnlyList<float> raw, int window)
    {
        var half = Math.Max(0, window / 2);
        var result = new float[raw.Count];
        for (var i = 0; i < raw.Count; i++)
        {
            int from = Math.Max(0, i - half), to = Math.Min(raw.Count - 1, i + half);
            double sum = 0;
            for (var j = from; j <= to; j++) sum += raw[j];
            result[i] = (float)(sum / (to - from + 1));
        }
        return result;
    }

    /// <summary>Fits the formula on held-out normal footage, one evidence record per video.</summary>
    public static ScoreCalibration Fit(IReadOnlyList<FrameEvidence> heldOut, ModelSettings settings, int smoothingWindow, double quantile)
    {
        var frames = heldOut.SelectMany(e => e.Reconstruction).Select(v => LogOf(v)).ToArray();
        var reconstruction = ComponentCalibration.Fit(frames);
        var motion = settings.MotionStream
            ? ComponentCalibration.Fit(heldOut.SelectMany(e => e.Motion).Select(v => LogOf(v)).ToArray())
            : null;
        var divergence = settings.Variational
            ? ComponentCalibration.Fit(heldOut.SelectMany(e => e.Divergence).Select(v => Math.Log(v + 1e-6)).ToArray())
            : null;
        var segment = settings.SegmentHead
            ? ComponentCalibration.Fit(heldOut.SelectMany(e => e.Segment).Select(v => (double)v).ToArray())
            : null;
        var heat = ComponentCalibration.Fit(heldOut.SelectMany(e => e.Patches).Select(v => LogOf(v)).ToArray());
        var partial = new ScoreCalibration(reconstruction, motion, divergence, segment, heat, 0, 1, 0, smoothingWindow);
        var smoothed = heldOut.SelectMany(e => Smooth(partial.Combine(e), smoothingWindow)).Select(v => (double)v).ToArray();
        var combined = ComponentCalibration.Fit(smoothed);
        var calibrated = smoothed.Select(v => combined.Z(v)).Order().ToArray();
        var index = Math.Clamp((int)Math.Ceiling(quantile * calibrated.Length) - 1, 0, calibrated.Length - 1);
        return partial with { Mean = combined.Mean, Std = combined.Std, Threshold = calibrated[index] };
    }

    private static double LogOf(float value) => Math.Log(Math.Max(value, 1e-12));
}
