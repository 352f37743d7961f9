namespace STADNet.Model;

/// <summary>
/// Maps raw reconstruction evidence to a score that means the same in every video: temporal
/// smoothing, then a z-score of the log evidence against held-out normal footage. The threshold
/// is the 99.5th percentile of that held-out footage's calibrated scores.
/// </summary>
public sealed record ScoreCalibration(double LogMean, double LogStd, double Threshold, int SmoothingWindow)
{
    public float[] Calibrate(IReadOnlyList<float> raw)
    {
        var smoothed = Smooth(raw, SmoothingWindow);
        var scores = new float[smoothed.Length];
        for (var i = 0; i < scores.Length; i++)
            scores[i] = (float)((Math.Log(Math.Max(smoothed[i], 1e-12)) - LogMean) / LogStd);
        return scores;
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

    public static ScoreCalibration Fit(IEnumerable<IReadOnlyList<float>> heldOutRawPerVideo, int smoothingWindow, double quantile)
    {
        var logs = heldOutRawPerVideo
            .SelectMany(v => Smooth(v, smoothingWindow))
            .Select(s => Math.Log(Math.Max(s, 1e-12)))
            .ToArray();
        if (logs.Length < 2) throw new InvalidOperationException("calibration needs held-out footage of at least two frames");
        var mean = logs.Average();
        var std = Math.Sqrt(logs.Sum(l => (l - mean) * (l - mean)) / (logs.Length - 1));
        if (!(std > 1e-9)) std = 1e-9;
        var calibrated = logs.Select(l => (l - mean) / std).Order().ToArray();
        var index = Math.Clamp((int)Math.Ceiling(quantile * calibrated.Length) - 1, 0, calibrated.Length - 1);
        return new ScoreCalibration(mean, std, calibrated[index], smoothingWindow);
    }
}
