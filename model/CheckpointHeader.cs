namespace STADNet.Model;

/// <summary>The JSON part of a checkpoint: everything but the weights.</summary>
public sealed record CheckpointHeader
{
    public string Name { get; init; } = "stadnet";
    public required ModelSettings Settings { get; init; }
    public required ScoreCalibration Calibration { get; init; }
    public TrainingRecord? Training { get; init; }
}
