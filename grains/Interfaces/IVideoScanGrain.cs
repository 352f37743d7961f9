using STADNet.Grains.Messages;
using STADNet.Grains.Reports;

namespace STADNet.Grains;

/// <summary>One video of one job: probes, cuts clip shards, gathers their scores and writes the report.</summary>
public interface IVideoScanGrain : IGrainWithStringKey
{
    /// <summary>Scans the whole video; long videos take minutes, so the call may run long.</summary>
    [ResponseTimeout("1.00:00:00")]
    Task<VideoScanOutcome> ScanAsync(VideoScanRequest request);
}
