using STADNet.Storage;

namespace STADNet.Grains;

/// <summary>Checkpoints named by a blob reference are downloaded once per silo; local paths are used as they are.</summary>
public sealed class CheckpointCache(ArchiveStore store)
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "stadnet-checkpoints");
    private readonly SemaphoreSlim gate = new(1, 1);

    public async Task<string> LocalPathAsync(string reference, CancellationToken cancellationToken)
    {
        if (!ArchiveLocation.IsBlobReference(reference)) return reference;
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await store.CacheLocallyAsync(reference, folder, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }
}
