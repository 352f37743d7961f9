using System.Diagnostics;
using Azure;
using Azure.Storage.Blobs;
using STADNet.Tests.Support;
using Xunit.Abstractions;

namespace STADNet.Tests.Infrastructure;

public sealed class AzuriteServerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Blobs_survive_a_stop_and_restart_on_the_same_port()
    {
        await using var azurite = await AzuriteServer.StartNewAsync();
        output.WriteLine($"azurite start: {azurite.LastStartTime.TotalSeconds:F2} s");
        var port = azurite.Port;
        var container = azurite.CreateClient().GetBlobContainerClient("outage");
        await container.CreateAsync();
        await container.GetBlobClient("before.txt").UploadAsync(BinaryData.FromString("written before the outage"));

        var clock = Stopwatch.StartNew();
        await azurite.StopAsync();
        output.WriteLine($"azurite stop: {clock.Elapsed.TotalSeconds:F2} s");
        Assert.False(azurite.IsRunning);
        Assert.True(FreePort.IsFree(port));

        // A client that does not retry sees the outage at once instead of backing off for minutes.
        var impatient = new BlobClientOptions();
        impatient.Retry.MaxRetries = 0;
        impatient.Retry.NetworkTimeout = TimeSpan.FromSeconds(2);
        var down = azurite.CreateClient(impatient).GetBlobContainerClient("outage").GetBlobClient("before.txt");
        clock.Restart();
        await Assert.ThrowsAsync<RequestFailedException>(() => down.DownloadContentAsync());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the failing call took {clock.Elapsed}");

        await azurite.StartAsync();
        output.WriteLine($"azurite restart: {azurite.LastStartTime.TotalSeconds:F2} s");
        Assert.Equal(port, azurite.Port);
        var content = await container.GetBlobClient("before.txt").DownloadContentAsync();
        Assert.Equal("written before the outage", content.Value.Content.ToString());
    }

    [Fact]
    public async Task Dispose_leaves_no_process_and_frees_the_port()
    {
        var azurite = await AzuriteServer.StartNewAsync();
        var pid = azurite.ProcessId ?? throw new InvalidOperationException("Azurite is not running");
        var port = azurite.Port;
        var folder = azurite.DataFolder;
        Assert.False(FreePort.IsFree(port));

        await azurite.DisposeAsync();

        Assert.False(ServerProcess.IsAlive(pid));
        Assert.True(FreePort.IsFree(port));
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task Connection_string_names_the_development_account_and_endpoint()
    {
        await using var azurite = new AzuriteServer();
        Assert.Contains("AccountName=devstoreaccount1;", azurite.ConnectionString);
        Assert.Contains($"AccountKey={AzuriteServer.AccountKey};", azurite.ConnectionString);
        Assert.Contains("BlobEndpoint=http://127.0.0.1:", azurite.ConnectionString);
    }
}
