using System.Text.Json;
using Azure.Storage.Blobs;
using STADNet.Grains.Reports;
using STADNet.Media;
using STADNet.Storage;
using STADNet.Tests.Support;

namespace STADNet.Tests.Storage;

/// <summary>Blob archives and reports on a real Azurite.</summary>
[Collection(StorageStackCollection.Name)]
public sealed class ArchiveStoreTests(StorageStack stack)
{
    private readonly string container = $"t{Guid.NewGuid():N}"[..20];

    private BlobServiceClient Blobs => stack.Azurite.CreateClient();

    [Fact]
    public async Task Listing_pages_through_a_large_prefix_and_keeps_only_videos_in_order()
    {
        var client = Blobs.GetBlobContainerClient(container);
        await client.CreateAsync();
        var names = Enumerable.Range(0, 23).Select(i => $"cams/day1/cam{i:D3}.mp4").ToList();
        foreach (var name in names.Concat(["cams/day1/notes.txt", "cams/index.json", "other/cam.mp4"]))
            await client.GetBlobClient(name).UploadAsync(new BinaryData([1, 2, 3]));

        // A page of 5 makes 23 videos take five pages.
        var videos = await new ArchiveStore(Blobs, listPageSize: 5).ListVideosAsync($"blob://{container}/cams", CancellationToken.None);

        Assert.Equal(names.Select(n => $"blob://{container}/{n}"), videos);
    }

    [Fact]
    public async Task A_missing_container_is_a_clear_error()
    {
        var e = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => new ArchiveStore(Blobs).ListVideosAsync($"blob://{container}/x", CancellationToken.None));
        Assert.Contains($"container '{container}' does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retried_report_write_keeps_the_first_and_a_new_job_replaces_it()
    {
        var store = new ArchiveStore(Blobs);
        var output = $"blob://{container}/reports";
        await store.WriteReportAsync(output, "v/report.json", new { attempt = 1 }, ReportJson.Options, "job-1", CancellationToken.None);
        // The same job writing again (a video retried after a lost silo) leaves the first write as it is.
        await store.WriteReportAsync(output, "v/report.json", new { attempt = 2 }, ReportJson.Options, "job-1", CancellationToken.None);
        Assert.Equal(1, await ReadAttemptAsync(store, $"{output}/v/report.json"));
        // Another job's scan into the same place replaces it whole.
        await store.WriteReportAsync(output, "v/report.json", new { attempt = 3 }, ReportJson.Options, "job-2", CancellationToken.None);
        Assert.Equal(3, await ReadAttemptAsync(store, $"{output}/v/report.json"));
        var blobs = new List<string>();
        await foreach (var b in Blobs.GetBlobContainerClient(container).GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, null, CancellationToken.None))
            blobs.Add(b.Name);
        Assert.Equal(["reports/v/report.json"], blobs);
    }

    [Fact]
    public async Task FFmpeg_gets_a_read_only_link_that_expires_and_empty_or_missing_blobs_are_video_errors()
    {
        var client = Blobs.GetBlobContainerClient(container);
        await client.CreateAsync();
        await client.GetBlobClient("a/empty.mp4").UploadAsync(new BinaryData(Array.Empty<byte>()));
        await client.GetBlobClient("a/cam.mp4").UploadAsync(new BinaryData([0, 0, 0, 24]));
        var store = new ArchiveStore(Blobs);

        var link = new Uri(await store.OpenForDecodingAsync($"blob://{container}/a/cam.mp4", CancellationToken.None));
        Assert.Contains("sp=r&", link.Query + "&", StringComparison.Ordinal);
        Assert.Contains("se=", link.Query, StringComparison.Ordinal);
        Assert.DoesNotContain(AzuriteServer.AccountKey, link.ToString(), StringComparison.Ordinal);

        var empty = await Assert.ThrowsAsync<VideoInputException>(() => store.OpenForDecodingAsync($"blob://{container}/a/empty.mp4", CancellationToken.None));
        Assert.Equal("empty file (0 bytes)", empty.Message);
        var missing = await Assert.ThrowsAsync<VideoInputException>(() => store.OpenForDecodingAsync($"blob://{container}/a/gone.mp4", CancellationToken.None));
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);
    }

    private static async Task<int> ReadAttemptAsync(ArchiveStore store, string location)
    {
        var bytes = await store.ReadAsync(location, CancellationToken.None);
        return JsonDocument.Parse(bytes!).RootElement.GetProperty("attempt").GetInt32();
    }
}
