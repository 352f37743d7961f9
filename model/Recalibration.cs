namespace STADNet.Model;

/// <summary>
/// A refitted score calibration, how many held-out frames it rests on, and how well it separates held-out pseudo-anomalies;
/// <see cref="LeftOutFrames"/> counts the held-out frames (normal or pseudo-anomalous) left out of the check because their
/// evidence was not a finite number.
/// </summary>
public sealed record Recalibration(ScoreCalibration Calibration, int HeldOutFrames, double HeldOutAuc)
{
    public int LeftOutFrames { get; init; }
}
