using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using STADNet.Silo;

namespace STADNet.Client.Hosting;

/// <summary>
/// The embedded default: one in-process silo on free loopback ports, with the CLI as its client.
/// Nothing to install or configure; past one machine the same grains run in silos.
/// </summary>
public sealed class EmbeddedCluster : IAsyncDisposable
{
    private readonly IHost host;

    private EmbeddedCluster(IHost host) => this.host = host;

    public IClusterClient Client => host.Services.GetRequiredService<IClusterClient>();

    public static async Task<EmbeddedCluster> StartAsync(int workerSlots, string? blobConnection, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            Configuration = new ConfigurationManager(),
        });
        builder.Configuration.AddEnvironmentVariables();
        CliLogging.Configure(builder, (category, level) =>
            level >= LogLevel.Error || (level >= LogLevel.Warning && category?.StartsWith("STADNet", StringComparison.Ordinal) == true));
        var options = new SiloOptions { WorkerSlots = workerSlots, SiloPort = FreePort(), GatewayPort = FreePort(), ClusterId = "stadnet-embedded", BlobConnection = blobConnection };
        builder.UseOrleans(silo => silo.UseStadnetClustering(options).AddStadnet(builder.Configuration, options));
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return new EmbeddedCluster(host);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StopAsync(timeout.Token);
        host.Dispose();
    }
}
