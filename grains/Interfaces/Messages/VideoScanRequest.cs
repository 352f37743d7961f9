using STADNet.Grains.Reports;

namespace STADNet.Grains.Messages;

/// <summary>One video of a job: where it is, where its report goes, and the model that scores it.</summary>
[GenerateSerializer, Immutable]
public sealed record VideoScanRequest(
    [property: Id(0)] string JobId,
    [property: Id(1)] string VideoId,
    [property: Id(2)] string Source,
    [property: Id(3)] string OutputDirectory,
    [property: Id(4)] string CheckpointPath,
    [property: Id(5)] ModelStamp Model,
    [property: Id(6)] ScoreCalibrationInfo Calibration,
    [property: Id(7)] ShardPlan Plan);
