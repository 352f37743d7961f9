namespace STADNet.Model;

/// <summary>
/// One weight of a score term <c>stadnet calibrate</c> compared, and how well the score with it separated held-out
/// pseudo-anomalies (AUC; null with one held-out video, when there is nothing to cross-fit).
/// </summary>
public sealed record WeightCheck(double Weight, double? HeldOutAuc);
