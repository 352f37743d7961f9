using System.Diagnostics.Metrics;

namespace STADNet.Grains;

/// <summary>What operators watch: shards and frames scored, shards in the model queue, failures. Exported by the silo (OpenTelemetry).</summary>
public static class ScanMetrics
{
    public const string MeterName = "STADNet.Scan";

    private static readonly Meter Meter = new(MeterName);
    private static int queued;

    public static Counter<long> ShardsScored { get; } = Meter.CreateCounter<long>("stadnet.shards.scored", "{shard}", "Clip shards decoded and scored on this silo.");
    public static Counter<long> FramesScored { get; } = Meter.CreateCounter<long>("stadnet.frames.scored", "{frame}", "Frames scored on this silo.");
    public static Counter<long> ShardFailures { get; } = Meter.CreateCounter<long>("stadnet.shards.failed", "{try}", "Shard tries that failed (decode or scoring).");
    public static Counter<long> VideosScanned { get; } = Meter.CreateCounter<long>("stadnet.videos.scanned", "{video}", "Videos whose report was written, by status.");

    static ScanMetrics()
    {
        Meter.CreateObservableGauge("stadnet.shards.queued", () => Volatile.Read(ref queued), "{shard}", "Shards on this silo waiting for or in decoding and scoring.");
    }

    public static void Enqueued() => Interlocked.Increment(ref queued);

    public static void Dequeued() => Interlocked.Decrement(ref queued);
}
