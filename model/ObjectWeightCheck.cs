namespace STADNet.Model;

/// <summary>
/// One object weight <c>stadnet calibrate</c> compared, and how well the score with it separated held-out
/// pseudo-anomalies (AUC; null with one held-out video, when there is nothing to cross-fit).
/// </summary>
public sealed record ObjectWeightCheck(double Weight, double? HeldOutAuc);
