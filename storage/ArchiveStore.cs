using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using STADNet.Media;

namespace STADNet.Storage;

/// <summary>
/// Archives, reports and checkpoints in local folders or in the cluster's blob account. Videos are
/// never read into memory here: FFmpeg gets a file path or a short-lived read-only SAS URL.
/// </summary>
public sealed class ArchiveStore(BlobServiceClient? blobs, int listPageSize = ArchiveStore.DefaultListPageSize)
{
    /// <summary>Blob metadata naming the job that wrote a report, so a retried write keeps the first.</summary>
    public const string JobMetadata = "stadnetjob";

    /// <summary>Listing page size: large prefixes are paged, never listed in one reply.</summary>
    public const int DefaultListPageSize = 1000;

    public static TimeSpan SasLifetime { get; set; } = TimeSpan.FromHours(6);

    public bool HasBlobStorage => blobs is not null;

    /// <summary>Every video under the location (recursively), in ordinal order, as references a worker can open.</summary>
    public async Task<IReadOnlyList<string>> ListVideosAsync(string location, CancellationToken cancellationToken)
    {
        var where = ArchiveLocation.Parse(location);
        if (!where.IsBlob) return VideoArchive.List(where.LocalPath!);
        var container = Container(where);
        return await StorageRetry.RunAsync(async c =>
        {
            if (!(await container.ExistsAsync(c)).Value) throw new DirectoryNotFoundException($"source not found: container '{where.Container}' does not exist");
            var videos = new List<string>();
            var prefix = where.Prefix.Length == 0 ? null : where.Prefix;
            await foreach (var page in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, c).AsPages(pageSizeHint: listPageSize))
                videos.AddRange(page.Values.Where(b => VideoArchive.Extensions.Contains(Path.GetExtension(b.Name))).Select(b => $"{ArchiveLocation.BlobScheme}{where.Container}/{b.Name}"));
            // A prefix naming one video is that video.
            if (videos.Count == 0 && prefix is not null && (await container.GetBlobClient(prefix).ExistsAsync(c)).Value)
                videos.Add(where.ToString().TrimEnd('/'));
            return (IReadOnlyList<string>)videos.Order(StringComparer.Ordinal).ToList();
        }, cancellationToken);
    }

    /// <summary>What FFmpeg opens for a video: its path, or a read-only SAS URL after checking the blob is there and not empty.</summary>
    public async Task<string> OpenForDecodingAsync(string video, CancellationToken cancellationToken)
    {
        if (!ArchiveLocation.IsBlobReference(video)) return video;
        var blob = Blob(video);
        var properties = await StorageRetry.RunAsync(async c =>
        {
            try
            {
                return (await blob.GetPropertiesAsync(cancellationToken: c)).Value;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                throw new VideoInputException("cannot read blob: it does not exist");
            }
        }, cancellationToken);
        if (properties.ContentLength == 0) throw new VideoInputException("empty file (0 bytes)");
        if (!blob.CanGenerateSasUri) throw new InvalidOperationException("the blob connection string has no account key, so no read-only link can be made for FFmpeg");
        return blob.GenerateSasUri(BlobSasPermissions.Read, DateTimeOffset.UtcNow + SasLifetime).ToString();
    }

    /// <summary>
    /// Writes a report. In blob storage the write is conditional: a report this job already wrote
    /// (a retried video) is kept as it is, another job's report is replaced only if nobody changed
    /// it meanwhile; a local report appears whole or not at all.
    /// </summary>
    public async Task<string> WriteReportAsync<T>(string output, string relative, T value, JsonSerializerOptions json, string jobId, CancellationToken cancellationToken)
    {
        var where = ArchiveLocation.Parse(output);
        var target = where.Combine(relative);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, json);
        if (!where.IsBlob)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var temp = $"{target}.{Guid.NewGuid():N}.tmp";
            await File.WriteAllBytesAsync(temp, bytes, cancellationToken);
            File.Move(temp, target, overwrite: true);
            return target;
        }
        var container = Container(where);
        var blob = container.GetBlobClient(where.BlobName(relative));
        await StorageRetry.RunAsync(async c =>
        {
            await container.CreateIfNotExistsAsync(cancellationToken: c);
            var options = new BlobUploadOptions
            {
                Metadata = new Dictionary<string, string> { [JobMetadata] = jobId },
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            };
            try
            {
                await blob.UploadAsync(new BinaryData(bytes), options, c);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                var existing = (await blob.GetPropertiesAsync(cancellationToken: c)).Value;
                if (existing.Metadata.TryGetValue(JobMetadata, out var writer) && writer == jobId) return;
                options.Conditions = new BlobRequestConditions { IfMatch = existing.ETag };
                await blob.UploadAsync(new BinaryData(bytes), options, c);
            }
        }, cancellationToken);
        return target;
    }

    /// <summary>Reads a report (or any small JSON) back.</summary>
    public async Task<byte[]?> ReadAsync(string location, CancellationToken cancellationToken)
    {
        if (!ArchiveLocation.IsBlobReference(location)) return File.Exists(location) ? await File.ReadAllBytesAsync(location, cancellationToken) : null;
        var blob = Blob(location);
        return await StorageRetry.RunAsync(async c =>
        {
            try
            {
                return (await blob.DownloadContentAsync(c)).Value.Content.ToArray();
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return null;
            }
        }, cancellationToken);
    }

    /// <summary>Copies every blob under a prefix into a local folder, keeping the paths below the prefix.</summary>
    public async Task<int> DownloadAllAsync(string location, string folder, CancellationToken cancellationToken)
    {
        var where = ArchiveLocation.Parse(location);
        var container = Container(where);
        var prefix = where.Prefix.Length == 0 ? null : where.Prefix + "/";
        var count = 0;
        await foreach (var page in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).AsPages(pageSizeHint: listPageSize))
        {
            foreach (var item in page.Values)
            {
                var local = Path.Combine(folder, (prefix is null ? item.Name : item.Name[prefix.Length..]).Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(local)!);
                await StorageRetry.RunAsync(c => container.GetBlobClient(item.Name).DownloadToAsync(local, c), cancellationToken);
                count++;
            }
        }
        return count;
    }

    /// <summary>Uploads a local file unless a blob of that name exists (content-addressed names make that safe).</summary>
    public async Task<string> UploadIfAbsentAsync(string localPath, string location, CancellationToken cancellationToken)
    {
        var blob = Blob(location);
        await StorageRetry.RunAsync(async c =>
        {
            await blobs!.GetBlobContainerClient(ArchiveLocation.Parse(location).Container).CreateIfNotExistsAsync(cancellationToken: c);
            if ((await blob.ExistsAsync(c)).Value) return;
            await using var stream = File.OpenRead(localPath);
            try
            {
                await blob.UploadAsync(stream, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, c);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Another client uploaded the same content first.
            }
        }, cancellationToken);
        return location;
    }

    /// <summary>Downloads a blob to a local file once; later calls reuse it.</summary>
    public async Task<string> CacheLocallyAsync(string location, string cacheFolder, CancellationToken cancellationToken)
    {
        if (!ArchiveLocation.IsBlobReference(location)) return location;
        var where = ArchiveLocation.Parse(location);
        var local = Path.Combine(cacheFolder, where.Container!, where.Prefix.Replace('/', Path.DirectorySeparatorChar));
        if (File.Exists(local)) return local;
        Directory.CreateDirectory(Path.GetDirectoryName(local)!);
        var temp = $"{local}.{Guid.NewGuid():N}.tmp";
        await StorageRetry.RunAsync(c => Blob(location).DownloadToAsync(temp, c), cancellationToken);
        File.Move(temp, local, overwrite: true);
        return local;
    }

    private BlobContainerClient Container(ArchiveLocation where) =>
        (blobs ?? throw new InvalidOperationException($"{where} is in blob storage, but no blob connection string is configured (STADNET_BLOB_CONNECTION or --blob)"))
        .GetBlobContainerClient(where.Container);

    private BlobClient Blob(string location)
    {
        var where = ArchiveLocation.Parse(location);
        return Container(where).GetBlobClient(where.Prefix);
    }
}
