namespace STADNet.Model;

/// <summary>
/// One training epoch: mean losses, and the held-out AUC of normal against pseudo-anomalous frames (NaN when not measured).
/// <see cref="SkippedSteps"/> counts the mini-batches whose loss or gradients were not finite, which left the weights as they were;
/// <see cref="LeftOutFrames"/> the held-out frames whose evidence was not finite, left out of the held-out check.
/// </summary>
public sealed record EpochResult(int Epoch, double TrainLoss, double HeldOutLoss, double Seconds, double HeldOutAuc = double.NaN)
{
    public int SkippedSteps { get; init; }

    public int LeftOutFrames { get; init; }
}
