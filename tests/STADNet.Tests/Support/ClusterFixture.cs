using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using STADNet.Client.Hosting;
using STADNet.Silo;

namespace STADNet.Tests.Support;

/// <summary>A real in-process Orleans cluster running the STADNet grains, shared by the scanning tests.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    /// <summary>Short shards so that even a few seconds of video crosses shard boundaries.</summary>
    public const int ShardFrames = 64;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public static string Checkpoint => ShippedModel.Path;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Scan:ShardFrames"] = ShardFrames.ToString(), ["Scan:MaxShardsInFlight"] = "3" })
                .Build();
            silo.AddStadnet(configuration, new SiloOptions { WorkerSlots = 1 }).UseInMemoryReminderService();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
