namespace STADNet.Model;

/// <summary>
/// How much a busier view raises the feature novelty of normal frames. The feature novelty is the mean distance of a
/// frame's most unusual places (<see cref="NormalFeatures.PooledPlaces"/>); in a crowd those are all people, each a little
/// unlike the walkers the features were fitted on, where a quiet view pools its one walker with bare pavement. On Ped2's
/// held-out normal frames it correlates 0.64 with the number of patch cells where something moves. A crowd is not an
/// anomaly, so a frame's novelty is judged against normal frames as busy: <see cref="Slope"/> (least squares on held-out
/// normal frames) times its moving cells above <see cref="MeanMoving"/> (fewer: a negative count) is taken off before the novelty is z-scored.
/// A cell moves when the optical flow finds a mover there (<see cref="MoverSpeed"/>: a speed above 0).
/// </summary>
public sealed record CrowdCalibration(double Slope, double MeanMoving)
{
    /// <summary>Frame <paramref name="frame"/>'s novelty as a normal frame as busy as the held-out frames' mean would show it; the evidence must carry mover speeds.</summary>
    public double Adjust(FrameEvidence evidence, int frame) => evidence.Novelty[frame] - Slope * (evidence.MovingCells(frame) - MeanMoving);

    /// <summary>
    /// Fits on held-out normal evidence with mover speeds; null when speeds were not measured, when every frame is as busy,
    /// or when busier frames are not more novel (nothing to take off).
    /// </summary>
    public static CrowdCalibration? Fit(IReadOnlyList<FrameEvidence> heldOut)
    {
        if (heldOut.Count == 0 || heldOut.Any(e => e.Speeds is null)) return null;
        var pairs = heldOut.SelectMany(e => Enumerable.Range(0, e.Count).Select(i => (Moving: (double)e.MovingCells(i), Novelty: (double)e.Novelty[i]))).ToList();
        if (pairs.Count < 2) return null;
        var meanMoving = pairs.Average(p => p.Moving);
        var meanNovelty = pairs.Average(p => p.Novelty);
        var spread = pairs.Sum(p => (p.Moving - meanMoving) * (p.Moving - meanMoving));
        if (spread <= 0) return null;
        var slope = pairs.Sum(p => (p.Moving - meanMoving) * (p.Novelty - meanNovelty)) / spread;
        return slope > 0 ? new CrowdCalibration(slope, meanMoving) : null;
    }
}
