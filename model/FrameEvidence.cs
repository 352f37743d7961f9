namespace STADNet.Model;

/// <summary>
/// Raw per-frame anomaly evidence before calibration: every patch's reconstruction error of the
/// appearance and of the motion (flow; zeros without the motion stream), the worst latent KL
/// divergence, the segment logit of the clip the frame belongs to, and every patch's
/// reconstruction error over all channels (the heatmap), and the novelty: the mean Mahalanobis
/// distance of the <see cref="NormalFeatures.PooledPlaces"/> places whose encoder features sit
/// farthest from normal ones. Patch arrays are row-major, <see cref="ModelSettings.HeatmapCells"/> per frame.
/// </summary>
public sealed record FrameEvidence(float[] Appearance, float[] Motion, float[] Divergence, float[] Segment, float[] Patches, float[] Novelty)
{
    public int Count => Divergence.Length;
}
