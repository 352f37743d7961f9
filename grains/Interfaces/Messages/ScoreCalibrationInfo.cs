namespace STADNet.Grains.Messages;

/// <summary>
/// The video-wide part of the checkpoint's score formula (smoothing, then standardising against
/// held-out normal footage) and the event threshold, carried to video scans so they need not open
/// the checkpoint. The per-frame part runs on the workers.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ScoreCalibrationInfo(
    [property: Id(0)] double Mean,
    [property: Id(1)] double Std,
    [property: Id(2)] double Threshold,
    [property: Id(3)] int SmoothingWindow);
