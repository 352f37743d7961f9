using STADNet.Grains.Messages;

namespace STADNet.Grains.State;

/// <summary>A job's durable progress: what it scans, the videos it found and the outcome of each one done.</summary>
[GenerateSerializer]
public sealed class ScanJobState
{
    [Id(0)] public ScanJobSpec? Spec { get; set; }
    [Id(1)] public List<string> Videos { get; set; } = [];
    [Id(2)] public Dictionary<string, VideoScanOutcome> Outcomes { get; set; } = [];
    [Id(3)] public string State { get; set; } = ScanProgress.Pending;
    [Id(4)] public string? Error { get; set; }
    [Id(5)] public string? SummaryPath { get; set; }
    [Id(6)] public DateTimeOffset StartedAt { get; set; }
}
