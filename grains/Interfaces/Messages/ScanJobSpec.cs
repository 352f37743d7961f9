namespace STADNet.Grains.Messages;

/// <summary>What a user asked to scan, where reports go, and with which checkpoint.</summary>
[GenerateSerializer, Immutable]
public sealed record ScanJobSpec(
    [property: Id(0)] string Source,
    [property: Id(1)] string OutputDirectory,
    [property: Id(2)] string CheckpointPath,
    [property: Id(3)] int MaxConcurrentVideos = 4);
