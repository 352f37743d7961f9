namespace STADNet.Grains;

/// <summary>How the silo cuts and schedules work; bound from the <c>Scan</c> configuration section.</summary>
public sealed class ScanOptions
{
    public const string Section = "Scan";

    /// <summary>Frames per clip shard: long enough to amortise an FFmpeg start and seek, short enough to spread a video over workers.</summary>
    public int ShardFrames { get; set; } = 192;

    /// <summary>Shards of one video in flight at once; enough to keep decoding ahead of the model slots.</summary>
    public int MaxShardsInFlight { get; set; } = 4;

    /// <summary>Tries a shard gets when decoding or scoring it fails on the video itself, before it is marked failed.</summary>
    public int ShardAttempts { get; set; } = 3;

    /// <summary>
    /// How often a running job's reminder checks that the job is being driven; after its silo is
    /// lost, the job resumes on another silo within this time. Orleans allows no less than a minute
    /// unless <c>Orleans:Reminders:MinimumReminderPeriod</c> is lowered (tests do).
    /// </summary>
    public TimeSpan JobHeartbeat { get; set; } = TimeSpan.FromMinutes(1);
}
