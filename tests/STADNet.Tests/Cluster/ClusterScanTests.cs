using Orleans.Runtime;
using STADNet.Grains;
using STADNet.Grains.Messages;
using STADNet.Tests.Support;

namespace STADNet.Tests.Cluster;

/// <summary>
/// Scans on a multi-silo cluster over Redis and Azurite, with silos killed, the whole cluster
/// restarted and storage taken away mid-job: the job completes and its reports equal an unfailed run's.
/// </summary>
[Collection(StorageStackCollection.Name)]
public sealed class ClusterScanTests(StorageStack stack) : IAsyncLifetime
{
    private const int Videos = 4;
    private const int FramesPerVideo = 120;
    private static readonly int ShardsPerVideo = (FramesPerVideo + BlobCluster.ShardFrames - 1) / BlobCluster.ShardFrames;
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(5);

    private readonly TempFolder footage = new();
    private readonly string id = Guid.NewGuid().ToString("N")[..8];

    public Task InitializeAsync()
    {
        for (var i = 0; i < Videos; i++)
            SyntheticFootage.Walkway(Path.Combine(footage.Path, $"cam{i}.mp4"), FramesPerVideo, anomaly: i == 1 ? (50, 80) : null);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        footage.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_worker_silo_killed_mid_scan_does_not_change_the_reports()
    {
        await using var cluster = await BlobCluster.StartAsync(stack, 3, hostOnly: 2);
        await cluster.UploadAsync(footage.Path, "archive", id);
        var reference = await RunAsync(cluster, "ref");

        // Shards run only where there are model slots.
        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        var shardSilos = (await management.GetDetailedGrainStatistics())
            .Where(s => s.GrainType.Contains(nameof(ClipShardGrain), StringComparison.Ordinal))
            .Select(s => s.SiloAddress).Distinct().ToList();
        Assert.NotEmpty(shardSilos);
        Assert.DoesNotContain(cluster.Cluster.Silos[2].SiloAddress, shardSilos);

        var killed = false;
        var run = await RunAsync(cluster, "run", async (job, counter) =>
        {
            if (killed || counter.Scored < 2) return;
            killed = true;
            await cluster.Cluster.KillSiloAsync(cluster.Cluster.Silos[1]);
            await cluster.Cluster.StartAdditionalSiloAsync();
        });
        Assert.True(killed, "the job finished before a silo could be killed");
        await AssertSameReportsAsync(cluster, reference, run);

        // The account key appears in no log line and no report.
        Assert.DoesNotContain(cluster.Logs.Lines, l => l.Contains(AzuriteServer.AccountKey, StringComparison.Ordinal));
        foreach (var (_, json) in (await cluster.ReportsAsync("reports", run)).Values)
        {
            Assert.DoesNotContain(AzuriteServer.AccountKey, json, StringComparison.Ordinal);
            Assert.DoesNotContain("sig=", json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task B_whole_cluster_restarted_mid_job_resumes_and_scores_only_shards_not_done()
    {
        var total = Videos * ShardsPerVideo;
        int before = 0, after;
        string run;
        await using (var cluster = await BlobCluster.StartAsync(stack, 2))
        {
            await cluster.UploadAsync(footage.Path, "archive", id);
            var jobId = $"{id}-restart";
            using var counter = new ShardCounter(jobId);
            var job = cluster.Client.GetGrain<IScanJobGrain>(jobId);
            run = $"{id}/restart";
            await job.StartAsync(Spec(run));
            var deadline = DateTime.UtcNow + JobTimeout;
            while (counter.Scored < total / 3 && DateTime.UtcNow < deadline) await Task.Delay(100);
            Assert.True(counter.Scored < total, "the job finished before the cluster could be stopped");
            await cluster.Cluster.StopAllSilosAsync();
            before = counter.Scored;

            // The cluster comes back with no client asking: the job's reminder resumes it.
            await cluster.Cluster.StartSilosAsync(2);
            await cluster.Cluster.InitializeClientAsync();
            var progress = await WaitAsync(cluster.Client.GetGrain<IScanJobGrain>(jobId), deadline, null, counter);
            Assert.Equal(ScanProgress.Completed, progress.State);
            after = counter.Scored - before;
            Assert.Equal(Videos, progress.VideosDone);
            Assert.Equal(0, progress.VideosFailed);

            var reference = await RunAsync(cluster, "ref");
            await AssertSameReportsAsync(cluster, reference, run);
        }
        Assert.True(after > 0, "nothing was left to score after the restart");
        // Only shards in flight when the silos stopped (one per model slot) may be scored twice.
        Assert.True(before + after <= total + 2, $"{before} shards scored before the restart and {after} after, of {total}");
    }

    [Fact]
    public async Task C_storage_unreachable_for_20_s_pauses_the_job_which_then_completes()
    {
        await using var cluster = await BlobCluster.StartAsync(stack, 2);
        await cluster.UploadAsync(footage.Path, "archive", id);
        var reference = await RunAsync(cluster, "ref");
        var outage = false;
        var run = await RunAsync(cluster, "outage", async (job, counter) =>
        {
            if (outage || counter.Scored < 2) return;
            outage = true;
            await stack.Azurite.StopAsync();
            await Task.Delay(TimeSpan.FromSeconds(20));
            await stack.Azurite.StartAsync();
        });
        Assert.True(outage, "the job finished before storage could be stopped");
        await AssertSameReportsAsync(cluster, reference, run);
    }

    private ScanJobSpec Spec(string output) =>
        new($"blob://archive/{id}", $"blob://reports/{output}", ClusterFixture.Checkpoint, MaxConcurrentVideos: 2);

    /// <summary>Runs a job to its end; <paramref name="during"/> is called while it runs (it may break things).</summary>
    private async Task<string> RunAsync(BlobCluster cluster, string name, Func<IScanJobGrain, ShardCounter, Task>? during = null)
    {
        var jobId = $"{id}-{name}";
        using var counter = new ShardCounter(jobId);
        var job = cluster.Client.GetGrain<IScanJobGrain>(jobId);
        var output = $"{id}/{name}";
        await job.StartAsync(Spec(output));
        var progress = await WaitAsync(job, DateTime.UtcNow + JobTimeout, during, counter);
        Assert.Equal(ScanProgress.Completed, progress.State);
        Assert.Equal(Videos, progress.VideosDone);
        Assert.Equal(0, progress.VideosFailed);
        return output;
    }

    private static async Task<ScanProgress> WaitAsync(IScanJobGrain job, DateTime deadline, Func<IScanJobGrain, ShardCounter, Task>? during, ShardCounter counter)
    {
        while (true)
        {
            Assert.True(DateTime.UtcNow < deadline, "the job did not finish in time");
            if (during is not null) await during(job, counter);
            try
            {
                var progress = await job.GetProgressAsync();
                if (progress.IsFinished) return progress;
            }
            catch (Exception e) when (e is SiloUnavailableException or OrleansException or TimeoutException)
            {
                // The silo holding the job was just lost; asking again finds it elsewhere.
            }
            await Task.Delay(250);
        }
    }

    private static async Task AssertSameReportsAsync(BlobCluster cluster, string reference, string run)
    {
        var expected = await cluster.ReportsAsync("reports", reference);
        var actual = await cluster.ReportsAsync("reports", run);
        Assert.Equal(Videos, expected.Count);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (video, (want, _)) in expected)
        {
            var got = actual[video].Report;
            Assert.Equal(want.Status, got.Status);
            Assert.Equal(want.FrameScores.Count, got.FrameScores.Count);
            for (var f = 0; f < want.FrameScores.Count; f++)
                Assert.True(want.FrameScores[f] is { } w && got.FrameScores[f] is { } g && Math.Abs(w - g) <= 1e-4, $"{video} frame {f}: {want.FrameScores[f]} vs {got.FrameScores[f]}");
            Assert.Equal(want.Events.Count, got.Events.Count);
        }
    }
}
