namespace STADNet.Model;

/// <summary>A refitted score calibration, how many held-out frames it rests on, and how well it separates held-out pseudo-anomalies.</summary>
public sealed record Recalibration(ScoreCalibration Calibration, int HeldOutFrames, double HeldOutAuc);
