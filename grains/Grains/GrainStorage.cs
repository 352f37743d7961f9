namespace STADNet.Grains;

/// <summary>The grain storage provider that holds job, video and shard progress (blob storage in a cluster).</summary>
public static class GrainStorage
{
    public const string Name = "scans";
}
