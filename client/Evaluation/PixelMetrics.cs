namespace STADNet.Client.Evaluation;

/// <summary>
/// Pixel-level localisation of a scan: ROC AUC over every pixel of every frame of the clips that have masks,
/// heatmaps upsampled and masks downscaled to one <see cref="GridWidth"/> x <see cref="GridHeight"/> grid.
/// </summary>
/// <param name="Videos">Clips whose pixels were pooled.</param>
/// <param name="Frames">Frames pooled over those clips.</param>
/// <param name="Pixels">Evaluation-grid pixels pooled: frames times grid size.</param>
/// <param name="AnomalousPixels">Pooled pixels the masks mark anomalous.</param>
public sealed record PixelMetrics(
    string MasksDirectory,
    double Auc,
    int Videos,
    int Frames,
    long Pixels,
    long AnomalousPixels,
    int GridWidth,
    int GridHeight);
