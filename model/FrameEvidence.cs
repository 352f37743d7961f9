namespace STADNet.Model;

/// <summary>
/// Raw per-frame anomaly evidence before calibration: every patch's reconstruction error of the
/// appearance and of the motion (flow; zeros without the motion stream), the worst latent KL
/// divergence, the segment logit of the clip the frame belongs to, and every patch's
/// reconstruction error over all channels (the heatmap), and the novelty: the mean Mahalanobis
/// distance of the <see cref="NormalFeatures.PooledPlaces"/> places whose encoder features sit
/// farthest from normal ones. Patch arrays are row-major, <see cref="ModelSettings.HeatmapCells"/> per frame.
/// <see cref="Objects"/> is the object novelty of the sampled frames (<see cref="ObjectNovelty"/>), NaN between
/// samples; null when the model has no normal object memory. <see cref="Speeds"/> is every patch cell's mover speed
/// (<see cref="MoverSpeed"/>), row-major like the patch arrays, and <see cref="Glides"/> every patch cell's glide
/// (<see cref="MoverGlide"/>), the same way.
/// </summary>
public sealed record FrameEvidence(float[] Appearance, float[] Motion, float[] Divergence, float[] Segment, float[] Patches, float[] Novelty)
{
    public float[]? Objects { get; init; }

    public float[]? Speeds { get; init; }

    public float[]? Glides { get; init; }

    public int Count => Divergence.Length;

    /// <summary>Patch cells per frame.</summary>
    private int CellsPerFrame => Count == 0 ? 0 : Patches.Length / Count;

    /// <summary>Patch cells of frame <paramref name="frame"/> where something moves (a mover speed above 0); the evidence must carry mover speeds.</summary>
    public int MovingCells(int frame)
    {
        var speeds = Speeds ?? throw new InvalidOperationException("the crowd correction needs the frames' mover speeds");
        var cells = CellsPerFrame;
        var count = 0;
        foreach (var s in speeds.AsSpan(frame * cells, cells))
            if (s > 0) count++;
        return count;
    }

    /// <summary>The frames whose every value the score formula reads is a finite number (object evidence is NaN between samples by design).</summary>
    public IReadOnlyList<int> FiniteFrames()
    {
        var cells = CellsPerFrame;
        static bool Finite(float[]? a, int f, int n)
        {
            if (a is null) return true;
            foreach (var v in a.AsSpan(f * n, n))
                if (!float.IsFinite(v)) return false;
            return true;
        }
        return Enumerable.Range(0, Count).Where(f => Finite(Appearance, f, cells) && Finite(Motion, f, cells) && Finite(Patches, f, cells)
            && Finite(Speeds, f, cells) && Finite(Glides, f, cells) && Finite(Divergence, f, 1) && Finite(Segment, f, 1) && Finite(Novelty, f, 1)).ToList();
    }

    /// <summary>The evidence of the listed frames only (ascending, as <see cref="FiniteFrames"/> lists them); frames either side of a gap become neighbours.</summary>
    public FrameEvidence Frames(IReadOnlyList<int> frames)
    {
        if (frames.Count == Count) return this;
        var cells = CellsPerFrame;
        float[] Cells(float[] a) => frames.SelectMany(f => a[(f * cells)..((f + 1) * cells)]).ToArray();
        float[] Pick(float[] a) => frames.Select(f => a[f]).ToArray();
        return new FrameEvidence(Cells(Appearance), Cells(Motion), Pick(Divergence), Pick(Segment), Cells(Patches), Pick(Novelty))
            { Objects = Objects is null ? null : Pick(Objects), Speeds = Speeds is null ? null : Cells(Speeds), Glides = Glides is null ? null : Cells(Glides) };
    }

    /// <summary>The evidence of consecutive runs of <paramref name="frames"/> frames, one record each (clips scored back to back).</summary>
    public IReadOnlyList<FrameEvidence> Split(int frames)
    {
        var parts = new List<FrameEvidence>();
        for (var f = 0; f < Count; f += frames) parts.Add(Frames(Enumerable.Range(f, Math.Min(frames, Count - f)).ToList()));
        return parts;
    }
}
