using System.Diagnostics.Metrics;
using STADNet.Grains;

namespace STADNet.Tests.Support;

/// <summary>Counts the shards of one job that silos in this process actually scored (not those handed back from storage).</summary>
public sealed class ShardCounter : IDisposable
{
    private readonly MeterListener listener = new();
    private int scored;

    public ShardCounter(string jobId)
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ScanMetrics.MeterName && instrument.Name == "stadnet.shards.scored") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "job" && Equals(tag.Value, jobId)) Interlocked.Add(ref scored, (int)value);
        });
        listener.Start();
    }

    public int Scored => Volatile.Read(ref scored);

    public void Dispose() => listener.Dispose();
}
