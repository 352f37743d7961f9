namespace STADNet.Grains.Messages;

/// <summary>
/// The video-wide part of the checkpoint's score formula (smoothing, then standardising against
/// held-out normal footage) and the event threshold, carried to video scans so they need not open
/// the checkpoint. The per-frame part runs on the workers. The object novelty term is video-wide
/// too (its samples are spread over neighbouring frames across shards): its weight, and the mean
/// and spread of held-out normal object novelty (weight 0 when the model has none).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ScoreCalibrationInfo(
    [property: Id(0)] double Mean,
    [property: Id(1)] double Std,
    [property: Id(2)] double Threshold,
    [property: Id(3)] int SmoothingWindow,
    [property: Id(4)] double ObjectWeight = 0,
    [property: Id(5)] double ObjectMean = 0,
    [property: Id(6)] double ObjectStd = 1);
