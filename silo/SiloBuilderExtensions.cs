using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using STADNet.Grains;
using STADNet.Model;

namespace STADNet.Silo;

/// <summary>Everything a STADNet silo needs, whether it runs alone, in a cluster, or embedded in the CLI.</summary>
public static class SiloBuilderExtensions
{
    /// <summary>A silo alone on this machine: loopback clustering on the configured ports.</summary>
    public static ISiloBuilder UseStadnetClustering(this ISiloBuilder silo, SiloOptions options) =>
        silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);

    /// <summary>The grains' services and options, whatever the clustering (test clusters bring their own).</summary>
    public static ISiloBuilder AddStadnet(this ISiloBuilder silo, IConfiguration configuration, SiloOptions options)
    {
        silo.Configure<ScanOptions>(configuration.GetSection(ScanOptions.Section));
        silo.Services.AddSingleton(options);
        // Model threads are created once per silo and shared by every worker activation.
        silo.Services.AddSingleton(_ => new ScoringEngine(Math.Max(1, options.WorkerSlots)));
        silo.Configure<GrainCollectionOptions>(c => c.CollectionAge = TimeSpan.FromMinutes(30));
        return silo;
    }

    /// <summary>Binds <see cref="SiloOptions"/> from configuration, with STADNET_* variables winning.</summary>
    public static SiloOptions ReadSiloOptions(this IConfiguration configuration)
    {
        var options = new SiloOptions();
        configuration.GetSection(SiloOptions.Section).Bind(options);
        options.WorkerSlots = ReadInt(configuration, "STADNET_WORKER_SLOTS") ?? options.WorkerSlots;
        options.SiloPort = ReadInt(configuration, "STADNET_SILO_PORT") ?? options.SiloPort;
        options.GatewayPort = ReadInt(configuration, "STADNET_GATEWAY_PORT") ?? options.GatewayPort;
        return options;
    }

    private static int? ReadInt(IConfiguration configuration, string key) =>
        int.TryParse(configuration[key], out var value) ? value : null;
}
