namespace STADNet.Silo;

/// <summary>This silo's place in the cluster; bound from the <c>Silo</c> section, with <see cref="SiloEnvironment"/> variables winning.</summary>
public sealed class SiloOptions
{
    public const string Section = "Silo";

    /// <summary>Concurrent model slots (dedicated model threads) on this silo; 0 hosts jobs and videos but no shard workers.</summary>
    public int WorkerSlots { get; set; } = SiloEnvironment.DefaultWorkerSlots;

    public int SiloPort { get; set; } = SiloEnvironment.DefaultSiloPort;

    public int GatewayPort { get; set; } = SiloEnvironment.DefaultGatewayPort;

    public string ClusterId { get; set; } = SiloEnvironment.DefaultClusterId;

    public string ServiceId { get; set; } = "stadnet";

    /// <summary>Redis connection string for membership and reminders; null: this silo alone on loopback.</summary>
    public string? Redis { get; set; }

    /// <summary>Azure Blob connection string for grain state, archives and reports; null: memory state and local folders.</summary>
    public string? BlobConnection { get; set; }

    /// <summary>Address other silos and clients reach this silo at.</summary>
    public string? AdvertisedAddress { get; set; }

    public int DashboardPort { get; set; } = SiloEnvironment.DefaultDashboardPort;

    public string DashboardHost { get; set; } = SiloEnvironment.DefaultDashboardHost;

    public int ShutdownSeconds { get; set; } = SiloEnvironment.DefaultShutdownSeconds;
}
