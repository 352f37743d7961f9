namespace STADNet.Model;

/// <summary>
/// Mean and spread of one kind of log patch error, per cell of the patch grid, on held-out normal
/// footage: a fixed camera sees the same place in every frame, so an error is judged against what
/// that place normally shows (a near walker's large error is normal where a far one's is not).
/// </summary>
public sealed record CellCalibration(double[] Mean, double[] Std)
{
    /// <summary>
    /// Weight of the pooled within-cell variance in a cell's variance: a cell nobody walks through
    /// has an almost constant error, and its own spread alone would make any change there explode.
    /// 0.2 separated held-out pseudo-anomalies better than 0.5 on Ped2 (no test labels involved).
    /// </summary>
    public const double PooledVarianceWeight = 0.2;

    public int Cells => Mean.Length;

    public double Z(int cell, double logError) => (logError - Mean[cell]) / Std[cell];

    /// <summary>Mean of the <paramref name="count"/> highest cell z-scores of one frame's log errors.</summary>
    public double TopMean(ReadOnlySpan<float> frameErrors, int count)
    {
        if (frameErrors.Length != Cells) throw new ArgumentException($"expected {Cells} cells, got {frameErrors.Length}", nameof(frameErrors));
        Span<double> z = stackalloc double[Cells];
        for (var c = 0; c < Cells; c++) z[c] = Z(c, LogError(frameErrors[c]));
        z.Sort();
        var k = Math.Clamp(count, 1, Cells);
        double sum = 0;
        for (var i = Cells - k; i < Cells; i++) sum += z[i];
        return sum / k;
    }

    /// <summary>Fits per-cell statistics of log errors; <paramref name="errors"/> holds frames row-major, <paramref name="cells"/> per frame.</summary>
    public static CellCalibration Fit(IReadOnlyList<float[]> errors, int cells)
    {
        var frames = errors.Sum(e => e.Length) / cells;
        if (frames < 2) throw new InvalidOperationException("calibration needs held-out footage of at least two frames");
        var sum = new double[cells];
        var squares = new double[cells];
        foreach (var video in errors)
            for (var i = 0; i < video.Length; i++)
            {
                var v = LogError(video[i]);
                sum[i % cells] += v;
                squares[i % cells] += v * v;
            }
        var mean = sum.Select(s => s / frames).ToArray();
        var variance = Enumerable.Range(0, cells).Select(c => Math.Max(0, (squares[c] - frames * mean[c] * mean[c]) / (frames - 1))).ToArray();
        var pooled = variance.Average();
        var std = variance.Select(v => Math.Max(1e-9, Math.Sqrt((1 - PooledVarianceWeight) * v + PooledVarianceWeight * pooled))).ToArray();
        return new CellCalibration(mean, std);
    }

    public static double LogError(float value) => Math.Log(Math.Max(value, 1e-12));
}
