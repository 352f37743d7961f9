namespace STADNet.Model;

/// <summary>How a checkpoint was made, so a report can say which model scored it and how.</summary>
public sealed record TrainingRecord(
    string Data,
    int Videos,
    int TrainFrames,
    int HeldOutFrames,
    int Epochs,
    int BestEpoch,
    double TrainLoss,
    double HeldOutLoss,
    double Seconds,
    DateTimeOffset CreatedAt)
{
    /// <summary>Held-out AUC of normal against pseudo-anomalous frames at the kept epoch; null for older checkpoints or too little footage.</summary>
    public double? HeldOutAuc { get; init; }
}
