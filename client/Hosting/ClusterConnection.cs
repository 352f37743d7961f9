using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using STADNet.Silo;

namespace STADNet.Client.Hosting;

/// <summary>A client of a running cluster, found through its Redis membership table.</summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    private readonly IHost host;

    private ClusterConnection(IHost host) => this.host = host;

    public IClusterClient Client => host.Services.GetRequiredService<IClusterClient>();

    public static async Task<ClusterConnection> ConnectAsync(string redis, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Configuration = new ConfigurationManager() });
        builder.Configuration.AddEnvironmentVariables();
        var clusterId = builder.Configuration[SiloEnvironment.ClusterId] is { Length: > 0 } id ? id : SiloEnvironment.DefaultClusterId;
        CliLogging.Configure(builder, (_, level) => level >= LogLevel.Error);
        builder.UseOrleansClient(client => client
            .UseRedisClustering(redis)
            .Configure<ClusterOptions>(o => { o.ClusterId = clusterId; o.ServiceId = "stadnet"; }));
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            host.Dispose();
            throw new Commands.UsageException($"cannot reach the cluster through its Redis membership ({e.GetType().Name}); is a silo running with the same {SiloEnvironment.ClusterId}?");
        }
        return new ClusterConnection(host);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await host.StopAsync(timeout.Token);
        host.Dispose();
    }
}
