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
/// (<see cref="MoverSpeed"/>), row-major like the patch arrays.
/// </summary>
public sealed record FrameEvidence(float[] Appearance, float[] Motion, float[] Divergence, float[] Segment, float[] Patches, float[] Novelty)
{
    public float[]? Objects { get; init; }

    public float[]? Speeds { get; init; }

    public int Count => Divergence.Length;

    /// <summary>The evidence of consecutive runs of <paramref name="frames"/> frames, one record each (clips scored back to back).</summary>
    public IReadOnlyList<FrameEvidence> Split(int frames)
    {
        var cells = Count == 0 ? 0 : Patches.Length / Count;
        var parts = new List<FrameEvidence>();
        for (var f = 0; f < Count; f += frames)
        {
            var n = Math.Min(frames, Count - f);
            float[] Cells(float[] a) => a[(f * cells)..((f + n) * cells)];
            float[] Frames(float[] a) => a[f..(f + n)];
            parts.Add(new FrameEvidence(Cells(Appearance), Cells(Motion), Frames(Divergence), Frames(Segment), Cells(Patches), Frames(Novelty))
                { Objects = Objects is null ? null : Frames(Objects), Speeds = Speeds is null ? null : Cells(Speeds) });
        }
        return parts;
    }
}
