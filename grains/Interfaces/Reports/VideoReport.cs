using System.Text.Json.Serialization;

namespace STADNet.Grains.Reports;

/// <summary>What <c>&lt;out&gt;/&lt;video-id&gt;/report.json</c> holds for one video.</summary>
public sealed record VideoReport
{
    public required string VideoId { get; init; }
    public required string Source { get; init; }
    /// <summary><c>ok</c> or <c>error</c>.</summary>
    public required string Status { get; init; }
    /// <summary>One-line reason when <see cref="Status"/> is <c>error</c>.</summary>
    public string? Error { get; init; }
    public int FrameCount { get; init; }
    public double Fps { get; init; }
    public int Width { get; init; }
    public int Height { get; init; }
    public double DurationSeconds { get; init; }
    /// <summary>
    /// Calibrated against held-out normal footage: 0 is typical, the threshold marks the rare. Null
    /// for frames of a shard that failed every try (see <see cref="FailedShards"/>).
    /// </summary>
    public IReadOnlyList<float?> FrameScores { get; init; } = [];
    /// <summary>Frame ranges that could not be scored, with their reasons; the rest of the video is still scored.</summary>
    public IReadOnlyList<FailedShard> FailedShards { get; init; } = [];
    /// <summary>Where in each frame the evidence lies; null for failed videos.</summary>
    public HeatmapGrid? Heatmaps { get; init; }
    public double Threshold { get; init; }
    public IReadOnlyList<AnomalyEvent> Events { get; init; } = [];
    public required ModelStamp Model { get; init; }
    public DateTimeOffset ScannedAt { get; init; }

    public const string Ok = "ok";
    public const string Failed = "error";

    [JsonIgnore]
    public bool IsOk => Status == Ok;
}
