namespace STADNet.Client.Evaluation;

/// <summary>
/// Threshold-free ranking metrics over frame scores (higher = more anomalous) and labels (true = anomalous).
/// Tied scores are always treated as one threshold, so results do not depend on input order.
/// </summary>
public static class RocMetrics
{
    /// <summary>
    /// Area under the ROC curve: trapezoid over the curve with one point per distinct score,
    /// which equals the probability a random anomalous frame outscores a random normal one (ties count half).
    /// </summary>
    public static double Auc(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var (curve, positives, negatives) = Curve(scores, labels);
        RequireBothClasses(positives, negatives, "AUC");

        // Sum in counts and divide once, so the result is exact up to one rounding.
        double area2 = 0;
        long prevTp = 0, prevFp = 0;
        foreach (var (tp, fp) in curve)
        {
            area2 += (double)(fp - prevFp) * (tp + prevTp);
            prevTp = tp;
            prevFp = fp;
        }
        return area2 / 2 / ((double)positives * negatives);
    }

    /// <summary>
    /// AUC of scores already split by class, for pools too large for <see cref="Auc"/>'s per-frame lists
    /// (millions of pixels). Sorts both spans in place, then counts, for each anomalous score, the normal
    /// scores below it and tied with it: the same quantity as <see cref="Auc"/>, ties counting half.
    /// </summary>
    public static double Auc(Span<float> anomalous, Span<float> normal)
    {
        RequireBothClasses(anomalous.Length, normal.Length, "AUC");
        RequireNoNaN(anomalous, nameof(anomalous));
        RequireNoNaN(normal, nameof(normal));
        anomalous.Sort();
        normal.Sort();

        // Two pointers over the normal scores: [0, below) lie under the current anomalous score,
        // [below, upTo) equal it. Both only move forward because the anomalous scores ascend.
        long wins = 0, ties = 0;
        int below = 0, upTo = 0;
        foreach (var score in anomalous)
        {
            while (below < normal.Length && normal[below] < score) below++;
            if (upTo < below) upTo = below;
            while (upTo < normal.Length && normal[upTo] == score) upTo++;
            wins += below;
            ties += upTo - below;
        }
        return (2.0 * wins + ties) / (2.0 * anomalous.Length * normal.Length);
    }

    /// <summary>
    /// Equal error rate: where the false-positive rate equals the false-negative rate, linearly
    /// interpolated between the two ROC points that straddle the crossing.
    /// </summary>
    public static double EqualErrorRate(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var (curve, positives, negatives) = Curve(scores, labels);
        RequireBothClasses(positives, negatives, "EER");

        // Start above every score: nothing flagged, FPR 0, FNR 1. The last point flags everything,
        // FPR 1, FNR 0, so FPR - FNR goes from -1 to +1 and must cross zero.
        double prevFpr = 0, prevFnr = 1;
        foreach (var (tp, fp) in curve)
        {
            var fpr = (double)fp / negatives;
            var fnr = 1 - (double)tp / positives;
            var diff = fpr - fnr;
            if (diff >= 0)
            {
                var prevDiff = prevFpr - prevFnr;
                var t = -prevDiff / (diff - prevDiff);
                return prevFpr + t * (fpr - prevFpr);
            }
            prevFpr = fpr;
            prevFnr = fnr;
        }
        throw new InvalidOperationException("ROC curve never reached FPR = FNR; unreachable with both classes present.");
    }

    /// <summary>
    /// Average precision as scikit-learn defines it: sum over distinct thresholds of (R_n - R_{n-1}) * P_n,
    /// a step sum with no interpolation.
    /// </summary>
    public static double AveragePrecision(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var (curve, positives, _) = Curve(scores, labels);
        if (positives == 0)
        {
            throw new ArgumentException("Average precision needs at least one anomalous frame; the labels have none.", nameof(labels));
        }

        double ap = 0;
        long prevTp = 0;
        foreach (var (tp, fp) in curve)
        {
            if (tp != prevTp)
            {
                ap += (double)(tp - prevTp) / positives * ((double)tp / (tp + fp));
                prevTp = tp;
            }
        }
        return ap;
    }

    /// <summary>Counts at a fixed threshold; a score equal to the threshold is flagged anomalous.</summary>
    public static Confusion ConfusionAt(IReadOnlyList<double> scores, IReadOnlyList<bool> labels, double threshold)
    {
        Validate(scores, labels);
        int tp = 0, fp = 0, tn = 0, fn = 0;
        for (var i = 0; i < scores.Count; i++)
        {
            var flagged = scores[i] >= threshold;
            if (labels[i])
            {
                if (flagged) tp++; else fn++;
            }
            else
            {
                if (flagged) fp++; else tn++;
            }
        }
        return new Confusion(tp, fp, tn, fn);
    }

    /// <summary>
    /// Cumulative (true positives, false positives) after flagging every frame at or above each distinct score,
    /// highest score first. Grouping ties into one point is what makes tied frames count half.
    /// </summary>
    private static (List<(long Tp, long Fp)> Curve, long Positives, long Negatives) Curve(
        IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        Validate(scores, labels);
        var n = scores.Count;
        var keys = new double[n];
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            keys[i] = -scores[i]; // ascending on the negation = descending on the score
            order[i] = i;
        }
        Array.Sort(keys, order);

        var curve = new List<(long, long)>();
        long tp = 0, fp = 0;
        for (var i = 0; i < n; i++)
        {
            if (labels[order[i]]) tp++; else fp++;
            if (i == n - 1 || keys[i + 1] != keys[i])
            {
                curve.Add((tp, fp));
            }
        }
        return (curve, tp, fp);
    }

    private static void Validate(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(labels);
        if (scores.Count != labels.Count)
        {
            throw new ArgumentException($"Got {scores.Count} scores but {labels.Count} labels; they must pair up.", nameof(labels));
        }
        if (scores.Count == 0)
        {
            throw new ArgumentException("No frames to evaluate.", nameof(scores));
        }
        for (var i = 0; i < scores.Count; i++)
        {
            // NaN has no place in a ranking; sorting would silently put it anywhere.
            if (double.IsNaN(scores[i]))
            {
                throw new ArgumentException($"Score at index {i} is NaN.", nameof(scores));
            }
        }
    }

    private static void RequireNoNaN(ReadOnlySpan<float> scores, string name)
    {
        for (var i = 0; i < scores.Length; i++)
        {
            if (float.IsNaN(scores[i]))
            {
                throw new ArgumentException($"Score at index {i} is NaN.", name);
            }
        }
    }

    private static void RequireBothClasses(long positives, long negatives, string metric)
    {
        if (positives == 0 || negatives == 0)
        {
            var only = positives == 0 ? "normal" : "anomalous";
            throw new ArgumentException(
                $"{metric} needs both normal and anomalous frames; all {positives + negatives} frames are {only}.");
        }
    }
}
