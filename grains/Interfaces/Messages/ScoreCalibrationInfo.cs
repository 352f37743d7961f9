namespace STADNet.Grains.Messages;

/// <summary>The checkpoint's calibration, carried to video scans so they need not open the checkpoint.</summary>
[GenerateSerializer, Immutable]
public sealed record ScoreCalibrationInfo(
    [property: Id(0)] double LogMean,
    [property: Id(1)] double LogStd,
    [property: Id(2)] double Threshold,
    [property: Id(3)] int SmoothingWindow);
