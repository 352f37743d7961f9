using System.Text.Json;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;
using STADNet.Grains.Reports;
using STADNet.Silo;

namespace STADNet.Tests.Support;

/// <summary>
/// An in-process cluster as it runs in production but for membership: Redis reminders, grain state,
/// archive and reports in blob storage (Azurite). Silos named in <c>hostOnly</c> have no model slots.
/// </summary>
public sealed class BlobCluster : IAsyncDisposable
{
    public const int ShardFrames = 32;

    private BlobCluster(InProcessTestCluster cluster, StorageStack stack, LogCollector logs)
    {
        Cluster = cluster;
        Stack = stack;
        Logs = logs;
    }

    public InProcessTestCluster Cluster { get; }

    public StorageStack Stack { get; }

    public LogCollector Logs { get; }

    public IClusterClient Client => Cluster.Client;

    public static async Task<BlobCluster> StartAsync(StorageStack stack, int silos, params int[] hostOnly)
    {
        var logs = new LogCollector();
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.Options.ClusterId = $"test-{Guid.NewGuid():N}"[..16];
        builder.Options.AssumeHomogenousSilosForTesting = false;
        var redis = stack.Redis.ConnectionString;
        builder.ConfigureSiloHost((options, host) =>
        {
            host.Logging.AddProvider(logs);
            host.Logging.SetMinimumLevel(LogLevel.Debug);
        });
        builder.ConfigureSilo((options, silo) =>
        {
            var index = int.Parse(options.SiloName.Split('_')[^1]);
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Scan:ShardFrames"] = ShardFrames.ToString(),
                ["Scan:MaxShardsInFlight"] = "2",
                ["Scan:JobHeartbeat"] = "00:00:03",
            }).Build();
            var siloOptions = new STADNet.Silo.SiloOptions { WorkerSlots = hostOnly.Contains(index) ? 0 : 1, BlobConnection = stack.Azurite.ConnectionString };
            silo.AddStadnet(configuration, siloOptions);
            silo.UseRedisReminderService(r => r.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(redis));
            silo.Configure<ReminderOptions>(r => r.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            // Declare a lost silo dead within seconds, not the production half-minute.
            silo.Configure<ClusterMembershipOptions>(m =>
            {
                m.ProbeTimeout = TimeSpan.FromSeconds(1);
                m.NumMissedProbesLimit = 2;
                m.NumVotesForDeathDeclaration = 1;
                m.TableRefreshTimeout = TimeSpan.FromSeconds(2);
            });
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new BlobCluster(cluster, stack, logs);
    }

    public BlobServiceClient Blobs => Stack.Azurite.CreateClient();

    /// <summary>Uploads every file of a folder under <c>container/prefix</c>.</summary>
    public async Task UploadAsync(string folder, string container, string prefix)
    {
        var client = Blobs.GetBlobContainerClient(container);
        await client.CreateIfNotExistsAsync();
        foreach (var file in Directory.EnumerateFiles(folder))
            await client.GetBlobClient($"{prefix}/{Path.GetFileName(file)}").UploadAsync(file, overwrite: true);
    }

    /// <summary>The video reports under a blob prefix, by video file name.</summary>
    public async Task<Dictionary<string, (VideoReport Report, string Json)>> ReportsAsync(string container, string prefix)
    {
        var client = Blobs.GetBlobContainerClient(container);
        var reports = new Dictionary<string, (VideoReport, string)>();
        await foreach (var blob in client.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix, CancellationToken.None))
        {
            if (!blob.Name.EndsWith("/report.json", StringComparison.Ordinal)) continue;
            var json = (await client.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString();
            var report = JsonSerializer.Deserialize<VideoReport>(json, ReportJson.Options)!;
            reports[Path.GetFileName(report.Source)] = (report, json);
        }
        return reports;
    }

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}
