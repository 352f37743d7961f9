namespace STADNet.Grains.Reports;

/// <summary>A run of frames whose calibrated score stays above the threshold. Frames are inclusive.</summary>
[GenerateSerializer, Immutable]
public sealed record AnomalyEvent(
    [property: Id(0)] int StartFrame,
    [property: Id(1)] int EndFrame,
    [property: Id(2)] double StartTime,
    [property: Id(3)] double EndTime,
    [property: Id(4)] int PeakFrame,
    [property: Id(5)] double PeakScore,
    [property: Id(6)] double MeanScore);
