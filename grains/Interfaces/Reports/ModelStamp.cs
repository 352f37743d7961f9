namespace STADNet.Grains.Reports;

/// <summary>Which model produced a report: the checkpoint's id (content hash) and format version.</summary>
[GenerateSerializer, Immutable]
public sealed record ModelStamp([property: Id(0)] string Id, [property: Id(1)] int Version, [property: Id(2)] string Name);
