namespace STADNet.Grains;

/// <summary>How the silo cuts and schedules work; bound from the <c>Scan</c> configuration section.</summary>
public sealed class ScanOptions
{
    public const string Section = "Scan";

    /// <summary>Frames per clip shard: long enough to amortise an FFmpeg start and seek, short enough to spread a video over workers.</summary>
    public int ShardFrames { get; set; } = 192;

    /// <summary>Shards of one video in flight at once; enough to keep decoding ahead of the model slots.</summary>
    public int MaxShardsInFlight { get; set; } = 4;
}
