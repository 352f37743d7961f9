namespace STADNet.Silo;

/// <summary>
/// The environment variables a silo reads (they win over appsettings and the command line), with
/// their defaults. docker-compose.yml and k8s/ are checked against these names by the tests.
/// </summary>
public static class SiloEnvironment
{
    /// <summary>Redis connection string for cluster membership; unset: localhost clustering.</summary>
    public const string Redis = "STADNET_REDIS";

    /// <summary>Azure Blob connection string for grain state, archives and reports; unset: local folders.</summary>
    public const string BlobConnection = "STADNET_BLOB_CONNECTION";

    /// <summary>Silo-to-silo port.</summary>
    public const string SiloPort = "STADNET_SILO_PORT";

    /// <summary>Client gateway port.</summary>
    public const string GatewayPort = "STADNET_GATEWAY_PORT";

    /// <summary>Concurrent model slots; 0 hosts jobs and videos but no workers.</summary>
    public const string WorkerSlots = "STADNET_WORKER_SLOTS";

    /// <summary>Address other silos and clients reach this silo at (a pod IP, a container name); unset: loopback alone, first non-loopback IPv4 in a cluster.</summary>
    public const string AdvertisedAddress = "STADNET_ADVERTISED_ADDRESS";

    /// <summary>Port of the Orleans Dashboard (<c>/dashboard</c>) and Prometheus metrics (<c>/metrics</c>).</summary>
    public const string DashboardPort = "STADNET_DASHBOARD_PORT";

    /// <summary>Interface the dashboard and metrics bind to; localhost unless set (0.0.0.0 in containers).</summary>
    public const string DashboardHost = "STADNET_DASHBOARD_HOST";

    /// <summary>Cluster id shared by the silos and clients of one cluster.</summary>
    public const string ClusterId = "STADNET_CLUSTER_ID";

    /// <summary>Seconds a stopping silo waits for its in-flight shards; orchestrators must allow longer.</summary>
    public const string ShutdownSeconds = "STADNET_SHUTDOWN_SECONDS";

    public const int DefaultSiloPort = 11111;
    public const int DefaultGatewayPort = 30000;
    public const int DefaultWorkerSlots = 1;
    public const int DefaultDashboardPort = 8080;
    public const string DefaultDashboardHost = "127.0.0.1";
    public const string DefaultClusterId = "stadnet";
    public const int DefaultShutdownSeconds = 60;

    public static IReadOnlyList<string> All { get; } =
        [Redis, BlobConnection, SiloPort, GatewayPort, WorkerSlots, AdvertisedAddress, DashboardPort, DashboardHost, ClusterId, ShutdownSeconds];
}
