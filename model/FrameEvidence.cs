namespace STADNet.Model;

/// <summary>
/// Raw per-frame anomaly evidence before calibration: the worst patch reconstruction error of the
/// appearance and of the motion (flow; zeros without the motion stream), the worst latent KL
/// divergence, the segment logit of the clip the frame belongs to, and every patch's
/// reconstruction error over all channels (the heatmap, row-major, <see cref="ModelSettings.HeatmapCells"/> per frame).
/// </summary>
public sealed record FrameEvidence(float[] Reconstruction, float[] Motion, float[] Divergence, float[] Segment, float[] Patches)
{
    public int Count => Reconstruction.Length;
}
