namespace STADNet.Model;

/// <summary>One training epoch: mean losses, and the held-out AUC of normal against pseudo-anomalous frames (NaN when not measured).</summary>
public sealed record EpochResult(int Epoch, double TrainLoss, double HeldOutLoss, double Seconds, double HeldOutAuc = double.NaN);
