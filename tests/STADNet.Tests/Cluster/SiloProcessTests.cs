using System.Text.Json;
using STADNet.Client.Commands;
using STADNet.Client.Terminal;
using STADNet.Grains.Messages;
using STADNet.Silo;
using STADNet.Tests.Support;

namespace STADNet.Tests.Cluster;

/// <summary>
/// The cluster as users run it: silo processes with Redis membership and Azurite storage, a scan
/// submitted with <c>--detach</c>, one silo killed with SIGKILL mid-scan, and <c>status --json</c>
/// followed from separate client processes until the job completes.
/// </summary>
[Collection(StorageStackCollection.Name)]
public sealed class SiloProcessTests(StorageStack stack)
{
    private static readonly TimeSpan CliTimeout = TimeSpan.FromMinutes(2);
    private const int Videos = 6;

    [Fact]
    public async Task A_detached_scan_survives_a_killed_silo_and_its_blob_reports_match_an_embedded_scan()
    {
        using var temp = new TempFolder();
        var id = Guid.NewGuid().ToString("N")[..8];
        // Enough footage that the job is still running when the first video is done and a silo can be killed.
        for (var i = 0; i < Videos; i++)
            SyntheticFootage.Walkway(temp.Combine("clips", $"cam{i}.mp4"), 160, anomaly: i == 2 ? (40, 70) : null);
        var environment = new Dictionary<string, string>
        {
            [SiloEnvironment.Redis] = stack.Redis.ConnectionString,
            [SiloEnvironment.BlobConnection] = stack.Azurite.ConnectionString,
            [SiloEnvironment.ClusterId] = $"proc-{id}",
            [SiloEnvironment.AdvertisedAddress] = "127.0.0.1",
            // Several shards per video, so the killed silo is mid-video.
            ["Scan__ShardFrames"] = "32",
        };
        var (code, output) = await StadnetProcess.RunCliAsync(environment, CliTimeout, "upload", temp.Combine("clips"), $"blob://archive/{id}");
        Assert.True(code == 0, output);

        using var a = await StartSiloAsync(environment);
        using var b = await StartSiloAsync(environment);
        (code, output) = await StadnetProcess.RunCliAsync(environment, CliTimeout,
            "scan", $"blob://archive/{id}", "--out", $"blob://reports/{id}", "--cluster", stack.Redis.ConnectionString, "--detach");
        Assert.True(code == 0, output + a.Output + b.Output);
        var jobId = output.Trim().Split('\n')[^1].Trim();
        Assert.StartsWith("scan-", jobId, StringComparison.Ordinal);

        JsonElement status;
        var killed = false;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(6);
        while (true)
        {
            Assert.True(DateTime.UtcNow < deadline, "the job did not complete in time");
            (code, output) = await StadnetProcess.RunCliAsync(environment, CliTimeout, "status", jobId, "--cluster", stack.Redis.ConnectionString, "--json");
            if (code != 0 && !output.TrimStart().StartsWith('{')) continue; // the cluster is settling after the kill
            status = JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
            var state = status.GetProperty("state").GetString();
            if (!killed && state == ScanProgress.Running && status.GetProperty("videosDone").GetInt32() >= 1)
            {
                b.Kill();
                killed = true;
            }
            if (state is ScanProgress.Completed or ScanProgress.Failed) break;
            await Task.Delay(500);
        }
        Assert.True(killed, "the job completed before a silo could be killed");
        Assert.Equal(ScanProgress.Completed, status.GetProperty("state").GetString());
        Assert.Equal(Videos, status.GetProperty("videosTotal").GetInt32());
        Assert.Equal(Videos, status.GetProperty("videosDone").GetInt32());
        Assert.Equal(0, status.GetProperty("videosFailed").GetInt32());

        (code, output) = await StadnetProcess.RunCliAsync(environment, CliTimeout, "download", $"blob://reports/{id}", temp.Combine("cluster"));
        Assert.True(code == 0, output);
        var embedded = await ScanCommand.RunAsync(new ScanRequest(temp.Combine("clips"), temp.Combine("embedded"), ClusterFixture.Checkpoint, 1, null, null, false),
            new ProgressReporter(TextWriter.Null, interactive: false), TextWriter.Null, CancellationToken.None);
        Assert.Equal(ScanProgress.Completed, embedded.State);
        var expected = Reports.ReadAll(temp.Combine("embedded")).ToDictionary(r => Path.GetFileName(r.Source));
        var actual = Reports.ReadAll(temp.Combine("cluster")).ToDictionary(r => Path.GetFileName(r.Source));
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (video, want) in expected)
        {
            var got = actual[video].FrameScores;
            Assert.Equal(want.FrameScores.Count, got.Count);
            for (var f = 0; f < got.Count; f++)
                // Object novelty's backbone sums floats in an order that depends on how many windows share a pass (shard size).
                Assert.True(Math.Abs(want.FrameScores[f]!.Value - got[f]!.Value) <= 2e-3 + 1e-4 * Math.Abs(want.FrameScores[f]!.Value),
                    $"{video} frame {f}: embedded {want.FrameScores[f]}, cluster {got[f]}");
        }

        // The account key is in no log line of either silo and no report.
        Assert.DoesNotContain(AzuriteServer.AccountKey, a.Output + b.Output, StringComparison.Ordinal);
        foreach (var file in Directory.EnumerateFiles(temp.Combine("cluster"), "*.json", SearchOption.AllDirectories))
            Assert.DoesNotContain(AzuriteServer.AccountKey, await File.ReadAllTextAsync(file), StringComparison.Ordinal);
    }

    /// <summary>A silo process, once its health endpoint (on localhost, the default binding) answers.</summary>
    private static async Task<StadnetProcess> StartSiloAsync(Dictionary<string, string> environment)
    {
        var dashboard = FreePort.Next();
        var own = new Dictionary<string, string>(environment)
        {
            [SiloEnvironment.SiloPort] = FreePort.Next().ToString(),
            [SiloEnvironment.GatewayPort] = FreePort.Next().ToString(),
            [SiloEnvironment.DashboardPort] = dashboard.ToString(),
            [SiloEnvironment.WorkerSlots] = "1",
        };
        var silo = StadnetProcess.Start("stadnet-silo.dll", own);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            Assert.False(silo.HasExited, "the silo exited: " + silo.Output);
            Assert.True(DateTime.UtcNow < deadline, "the silo did not start: " + silo.Output);
            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{dashboard}/healthz")).IsSuccessStatusCode) return silo;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(250);
        }
    }
}
