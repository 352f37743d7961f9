namespace STADNet.Grains.Reports;

/// <summary>What <c>&lt;out&gt;/summary.json</c> holds: every video and the archive's events ranked by peak.</summary>
public sealed record ScanSummary
{
    public required string JobId { get; init; }
    public required string Source { get; init; }
    public int VideosTotal { get; init; }
    public int VideosOk { get; init; }
    public int VideosFailed { get; init; }
    public double Threshold { get; init; }
    public required ModelStamp Model { get; init; }
    public IReadOnlyList<VideoSummary> Videos { get; init; } = [];
    public IReadOnlyList<RankedEvent> Events { get; init; } = [];
}
