using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using STADNet.Grains;
using STADNet.Model;
using STADNet.Storage;

namespace STADNet.Silo;

/// <summary>Everything a STADNet silo needs, whether it runs alone, in a cluster, or embedded in the CLI.</summary>
public static class SiloBuilderExtensions
{
    /// <summary>Container for grain state (jobs, videos, shards) when it lives in blob storage.</summary>
    public const string StateContainer = "stadnet-state";

    /// <summary>Redis membership and reminders when <see cref="SiloOptions.Redis"/> is set; otherwise this silo alone on loopback.</summary>
    public static ISiloBuilder UseStadnetClustering(this ISiloBuilder silo, SiloOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Redis))
        {
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
            return silo.UseInMemoryReminderService();
        }
        silo.Configure<ClusterOptions>(c => { c.ClusterId = options.ClusterId; c.ServiceId = options.ServiceId; });
        silo.ConfigureEndpoints(AdvertisedAddress(options.AdvertisedAddress), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true);
        silo.UseRedisClustering(options.Redis);
        // Reminders bring running jobs back after a silo is lost or the whole cluster restarts.
        return silo.UseRedisReminderService(r => r.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(options.Redis));
    }

    /// <summary>The grains' services, storage and options, whatever the clustering (test clusters bring their own).</summary>
    public static ISiloBuilder AddStadnet(this ISiloBuilder silo, IConfiguration configuration, SiloOptions options)
    {
        silo.Configure<ScanOptions>(configuration.GetSection(ScanOptions.Section));
        silo.Services.AddSingleton(options);
        var blobs = string.IsNullOrWhiteSpace(options.BlobConnection) ? null : BlobConnection.CreateClient(options.BlobConnection);
        silo.Services.AddSingleton(new ArchiveStore(blobs));
        silo.Services.AddSingleton<CheckpointCache>();
        if (blobs is null)
            silo.AddMemoryGrainStorage(GrainStorage.Name);
        else
            silo.AddAzureBlobGrainStorage(GrainStorage.Name, o => { o.BlobServiceClient = blobs; o.ContainerName = StateContainer; });
        if (options.WorkerSlots > 0)
        {
            // Model threads are created once per silo and shared by every shard activation.
            silo.Services.AddSingleton(_ => new ScoringEngine(options.WorkerSlots));
        }
        else
        {
            // No slots, no shard workers: placement then keeps shards on silos that have slots.
            silo.Configure<GrainTypeOptions>(o => o.Classes.Remove(typeof(ClipShardGrain)));
        }
        silo.Configure<GrainCollectionOptions>(c => c.CollectionAge = TimeSpan.FromMinutes(30));
        silo.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(options.ShutdownSeconds));
        return silo;
    }

    /// <summary>Binds <see cref="SiloOptions"/> from configuration, with <see cref="SiloEnvironment"/> variables winning.</summary>
    public static SiloOptions ReadSiloOptions(this IConfiguration configuration)
    {
        var options = new SiloOptions();
        configuration.GetSection(SiloOptions.Section).Bind(options);
        options.WorkerSlots = ReadInt(configuration, SiloEnvironment.WorkerSlots) ?? options.WorkerSlots;
        options.SiloPort = ReadInt(configuration, SiloEnvironment.SiloPort) ?? options.SiloPort;
        options.GatewayPort = ReadInt(configuration, SiloEnvironment.GatewayPort) ?? options.GatewayPort;
        options.DashboardPort = ReadInt(configuration, SiloEnvironment.DashboardPort) ?? options.DashboardPort;
        options.ShutdownSeconds = ReadInt(configuration, SiloEnvironment.ShutdownSeconds) ?? options.ShutdownSeconds;
        options.Redis = ReadString(configuration, SiloEnvironment.Redis) ?? options.Redis;
        options.BlobConnection = ReadString(configuration, SiloEnvironment.BlobConnection) ?? options.BlobConnection;
        options.AdvertisedAddress = ReadString(configuration, SiloEnvironment.AdvertisedAddress) ?? options.AdvertisedAddress;
        options.DashboardHost = ReadString(configuration, SiloEnvironment.DashboardHost) ?? options.DashboardHost;
        options.ClusterId = ReadString(configuration, SiloEnvironment.ClusterId) ?? options.ClusterId;
        if (options.WorkerSlots < 0) throw new ArgumentException($"{SiloEnvironment.WorkerSlots} must be 0 or more");
        return options;
    }

    /// <summary>The configured address (an IP or a name such as a compose service), else this machine's first non-loopback IPv4.</summary>
    public static IPAddress AdvertisedAddress(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
            return IPAddress.TryParse(configured, out var ip) ? ip
                : Dns.GetHostAddresses(configured).First(a => a.AddressFamily == AddressFamily.InterNetwork);
        var own = Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        return own ?? IPAddress.Loopback;
    }

    private static int? ReadInt(IConfiguration configuration, string key) =>
        int.TryParse(configuration[key], out var value) ? value : null;

    private static string? ReadString(IConfiguration configuration, string key) =>
        configuration[key] is { Length: > 0 } value ? value : null;
}
