namespace STADNet.Grains.Reports;

/// <summary>Frames of a video that could not be scored after every try, and why; their frame scores are null.</summary>
[GenerateSerializer, Immutable]
public sealed record FailedShard(
    [property: Id(0)] int FirstFrame,
    [property: Id(1)] int FrameCount,
    [property: Id(2)] string Error);
