namespace STADNet.Grains.Reports;

/// <summary>One video's line in the summary; also what a video scan hands back to its job.</summary>
[GenerateSerializer, Immutable]
public sealed record VideoSummary(
    [property: Id(0)] string VideoId,
    [property: Id(1)] string Source,
    [property: Id(2)] string Status,
    [property: Id(3)] string? Error,
    [property: Id(4)] int FrameCount,
    [property: Id(5)] double TopScore);
