using STADNet.Grains.Reports;

namespace STADNet.Grains.Messages;

/// <summary>What a finished video scan tells its job: its summary line and its events for the archive ranking.</summary>
[GenerateSerializer, Immutable]
public sealed record VideoScanOutcome(
    [property: Id(0)] VideoSummary Summary,
    [property: Id(1)] IReadOnlyList<AnomalyEvent> Events);
