using STADNet.Grains.Messages;

namespace STADNet.Grains;

/// <summary>A scan of one archive: lists it, fans out to one video scan per video, tracks progress, writes the summary.</summary>
public interface IScanJobGrain : IGrainWithStringKey
{
    /// <summary>Validates the spec, lists the source and starts scanning; returns once the job is running.</summary>
    Task<ScanProgress> StartAsync(ScanJobSpec spec);

    Task<ScanProgress> GetProgressAsync();
}
