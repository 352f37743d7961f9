namespace STADNet.Client.Evaluation;

/// <summary>Frame-level metrics of one scan against ground truth; serialized as <c>metrics.json</c>.</summary>
/// <param name="MicroAuc">AUC over all matched frames pooled across videos.</param>
/// <param name="MacroAuc">Mean of per-video AUCs over videos with both classes; null when none has both.</param>
/// <param name="MacroAucVideos">Videos averaged into <paramref name="MacroAuc"/>.</param>
/// <param name="MacroAucSkipped">Videos left out of <paramref name="MacroAuc"/> because they hold one class only.</param>
/// <param name="MinMaxAuc">AUC over all matched frames pooled after mapping each video's scores onto [0, 1] by its own min and max (what most papers report).</param>
/// <param name="Threshold">The reports' own threshold, at which <paramref name="Confusion"/> is counted.</param>
/// <param name="Pixel">Pixel-level localisation against masks; null when no masks were given.</param>
public sealed record EvaluationResult(
    string ScanDirectory,
    string LabelsFile,
    int Videos,
    int Frames,
    int AnomalousFrames,
    double MicroAuc,
    double? MacroAuc,
    int MacroAucVideos,
    int MacroAucSkipped,
    double MinMaxAuc,
    double EqualErrorRate,
    double AveragePrecision,
    double Threshold,
    Confusion Confusion,
    PixelMetrics? Pixel,
    IReadOnlyList<VideoEvaluation> PerVideo,
    IReadOnlyList<string> Warnings);
