using STADNet.Grains.Messages;

namespace STADNet.Grains.State;

/// <summary>A finished video scan's outcome, kept so a job that asks again after a failure gets it without a rescan.</summary>
[GenerateSerializer]
public sealed class VideoScanState
{
    [Id(0)] public VideoScanOutcome? Outcome { get; set; }
}
