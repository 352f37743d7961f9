namespace STADNet.Model;

/// <summary>Mean and standard deviation of one evidence component on held-out normal footage.</summary>
public sealed record ComponentCalibration(double Mean, double Std)
{
    public double Z(double value) => (value - Mean) / Std;

    /// <summary>The z-score with the spread taken as at least <paramref name="minStd"/>, for components whose held-out spread can be vanishingly small.</summary>
    public double Z(double value, double minStd) => (value - Mean) / Math.Max(Std, minStd);

    public static ComponentCalibration Fit(IReadOnlyCollection<double> values)
    {
        if (values.Count < 2) throw new InvalidOperationException("calibration needs held-out footage of at least two frames");
        var mean = values.Average();
        var std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        return new ComponentCalibration(mean, std > 1e-9 ? std : 1e-9);
    }

    /// <summary>The <paramref name="q"/> quantile of values already in ascending order: the smallest value at or above that share of them.</summary>
    public static double Quantile(IReadOnlyList<double> ascending, double q)
    {
        if (ascending.Count == 0) throw new ArgumentException("a quantile needs at least one value", nameof(ascending));
        return ascending[Math.Clamp((int)Math.Ceiling(q * ascending.Count) - 1, 0, ascending.Count - 1)];
    }
}
