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
    DateTimeOffset CreatedAt);
