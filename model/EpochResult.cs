namespace STADNet.Model;

public sealed record EpochResult(int Epoch, double TrainLoss, double HeldOutLoss, double Seconds);
