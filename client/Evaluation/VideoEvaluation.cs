namespace STADNet.Client.Evaluation;

/// <summary>One matched video. <see cref="Auc"/> is null when the clip has only one class and so no ranking to judge.</summary>
public sealed record VideoEvaluation(string Clip, string Source, int Frames, int AnomalousFrames, double? Auc);
