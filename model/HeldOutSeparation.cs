namespace STADNet.Model;

/// <summary>
/// How well a score formula tells held-out normal frames from held-out pseudo-anomalies, with no
/// test labels involved: the AUC of their combined evidence, raw or smoothed as a scan reports it. Cross-fitted over two
/// halves of the held-out videos (fit on one, judge the other, and the other way round), because
/// per-cell statistics judged on the very frames they were fitted on would look better than they are.
/// </summary>
public static class HeldOutSeparation
{
    /// <param name="anomalous">One record per pseudo-anomalous clip, so no part of the formula reaches from one clip into the next.</param>
    /// <param name="smoothed">
    /// Judge the scores a scan reports, smoothed over the calibration's window within each held-out video and each clip,
    /// rather than the raw evidence: evidence that lasts (a mover's) then counts for more than a one-frame flicker, as in a scan.
    /// </param>
    public static double CrossFittedAuc(IReadOnlyList<FrameEvidence> normal, IReadOnlyList<FrameEvidence> anomalous, Func<IReadOnlyList<FrameEvidence>, ScoreCalibration> fit,
        bool smoothed = false)
    {
        if (normal.Count < 2) throw new InvalidOperationException("a cross-fitted check needs held-out footage of at least two videos");
        var aucs = new List<double>();
        for (var fold = 0; fold < 2; fold++)
        {
            var calibration = fit(normal.Where((_, i) => i % 2 != fold).ToList());
            IEnumerable<float> Scores(FrameEvidence e) => smoothed ? ScoreCalibration.Smooth(calibration.Combine(e), calibration.SmoothingWindow) : calibration.Combine(e);
            var judged = normal.Where((_, i) => i % 2 == fold).SelectMany(Scores).ToArray();
            aucs.Add(Auc(judged, anomalous.SelectMany(Scores).ToArray()));
        }
        return aucs.Average();
    }

    /// <summary>Probability that an anomalous value ranks above a normal one, ties counting half (Mann-Whitney).</summary>
    public static double Auc(IReadOnlyList<float> normal, IReadOnlyList<float> anomalous)
    {
        if (normal.Count == 0 || anomalous.Count == 0) throw new ArgumentException("AUC needs values of both classes");
        // NaN equals nothing, not even itself: ranking it would never end.
        if (normal.Any(float.IsNaN) || anomalous.Any(float.IsNaN)) throw new ArgumentException("AUC of scores that are not numbers: the network's output is not finite");
        var all = normal.Select(v => (Value: v, Anomalous: false)).Concat(anomalous.Select(v => (Value: v, Anomalous: true))).OrderBy(x => x.Value).ToArray();
        double rankSum = 0;
        for (var i = 0; i < all.Length;)
        {
            var j = i;
            while (j < all.Length && all[j].Value == all[i].Value) j++;
            var rank = (i + 1 + j) / 2.0; // mean 1-based rank of the tie group
            for (var k = i; k < j; k++) if (all[k].Anomalous) rankSum += rank;
            i = j;
        }
        var n = (double)anomalous.Count;
        return (rankSum - n * (n + 1) / 2) / (n * normal.Count);
    }
}
