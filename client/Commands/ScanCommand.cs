using System.CommandLine;
using STADNet.Client.Terminal;
using STADNet.Client.Hosting;
using STADNet.Grains;
using STADNet.Grains.Messages;
using STADNet.Model;
using STADNet.Silo;
using STADNet.Storage;

namespace STADNet.Client.Commands;

/// <summary>
/// <c>stadnet scan &lt;source&gt; --out &lt;dest&gt;</c>: scores every video and writes reports, on an
/// embedded silo or, with <c>--cluster</c>, on a running cluster. Sources and destinations are
/// local folders or <c>blob://&lt;container&gt;/&lt;prefix&gt;</c>.
/// </summary>
public static class ScanCommand
{
    /// <summary>Container that checkpoints are uploaded to for a cluster's silos, named by checkpoint id.</summary>
    public const string ModelContainer = "stadnet-models";

    public static Command Create()
    {
        var source = new Argument<string>("source") { Description = "A video file or a folder searched recursively (mp4, avi, mkv, mov, webm, mpg, ts), or blob://<container>/<prefix>." };
        var output = new Option<string>("--out") { Description = "Folder or blob://<container>/<prefix> for the reports.", Required = true };
        var model = new Option<string?>("--model") { Description = "Checkpoint to score with (default: the shipped model)." };
        var slots = new Option<int>("--slots") { Description = "Model slots of the embedded silo.", DefaultValueFactory = _ => 1 };
        var cluster = new Option<string?>("--cluster") { Description = "Redis connection string of a running cluster's membership; without it the scan runs on an embedded silo." };
        var blob = new Option<string?>("--blob") { Description = $"Azure Blob connection string for blob:// locations (default: {SiloEnvironment.BlobConnection})." };
        var detach = new Option<bool>("--detach") { Description = "Submit the job to the cluster, print its id as the last line and return; the job goes on without the client." };
        var command = new Command("scan", "Scan videos for anomalous events.") { source, output, model, slots, cluster, blob, detach };
        command.SetAction((result, cancellationToken) => CommandErrors.Guard(async () =>
        {
            var request = new ScanRequest(result.GetValue(source)!, result.GetValue(output)!, result.GetValue(model), result.GetValue(slots),
                result.GetValue(cluster), BlobArguments.Connection(result.GetValue(blob)), result.GetValue(detach));
            var outcome = await RunAsync(request, ProgressReporter.ForConsole(), Console.Out, cancellationToken);
            return outcome.State is ScanProgress.Completed or ScanProgress.Running ? 0 : CommandErrors.Failure;
        }));
        return command;
    }

    /// <summary>Runs a scan on the embedded silo and waits for it; the final progress says how it went.</summary>
    public static Task<ScanProgress> RunAsync(string source, string output, string? model, int slots, ProgressReporter reporter, CancellationToken cancellationToken) =>
        RunAsync(new ScanRequest(source, output, model, slots, null, null, false), reporter, Console.Out, cancellationToken);

    public static async Task<ScanProgress> RunAsync(ScanRequest request, ProgressReporter reporter, TextWriter console, CancellationToken cancellationToken)
    {
        if (request.Detach && request.Cluster is null) throw new UsageException("--detach needs --cluster: an embedded silo ends with the client");
        var store = BlobArguments.StoreFor(request.BlobConnection);
        var spec = await PrepareAsync(request, store, cancellationToken);
        if (request.Cluster is null)
        {
            await using var embedded = await EmbeddedCluster.StartAsync(request.Slots, request.BlobConnection, cancellationToken);
            return await RunJobAsync(embedded.Client, spec, reporter, cancellationToken, console);
        }
        await using var connection = await ClusterConnection.ConnectAsync(request.Cluster, cancellationToken);
        if (!request.Detach) return await RunJobAsync(connection.Client, spec, reporter, cancellationToken, console);
        var jobId = NewJobId();
        var progress = await connection.Client.GetGrain<IScanJobGrain>(jobId).StartAsync(spec);
        console.WriteLine($"submitted: {progress.VideosTotal} videos; follow with `stadnet status {jobId} --cluster <redis>`");
        console.WriteLine(jobId);
        return progress;
    }

    /// <summary>Checks what can be checked before any silo is involved and makes the job's spec.</summary>
    public static async Task<ScanJobSpec> PrepareAsync(ScanRequest request, ArchiveStore store, CancellationToken cancellationToken)
    {
        var blobSource = ArchiveLocation.IsBlobReference(request.Source);
        var blobOutput = ArchiveLocation.IsBlobReference(request.Output);
        if ((blobSource || blobOutput) && !store.HasBlobStorage)
            throw new UsageException($"blob:// locations need a blob connection string: set {SiloEnvironment.BlobConnection} or pass --blob");
        if (blobSource) BlobArguments.Location(request.Source, "the source");
        if (blobOutput) BlobArguments.Location(request.Output, "--out");
        var source = blobSource ? request.Source : ValidateSource(request.Source);
        var output = blobOutput ? request.Output : ValidateOutput(request.Output);
        var checkpoint = CheckpointFile.Resolve(request.Model);
        var loaded = Checkpoint.Load(checkpoint); // a corrupt or foreign checkpoint stops here, before any video is touched
        // A cluster's silos may be on other machines: they get the checkpoint through blob storage, by reference.
        if (request.Cluster is not null && store.HasBlobStorage)
            checkpoint = await store.UploadIfAbsentAsync(checkpoint, $"{ArchiveLocation.BlobScheme}{ModelContainer}/{loaded.Id}.ckpt", cancellationToken);
        return new ScanJobSpec(source, output, checkpoint);
    }

    /// <summary>The spec of a scan of local folders with a local checkpoint.</summary>
    public static ScanJobSpec Validate(string source, string output, string? model)
    {
        var fullSource = ValidateSource(source);
        var fullOutput = ValidateOutput(output);
        var checkpoint = CheckpointFile.Resolve(model);
        Checkpoint.Load(checkpoint);
        return new ScanJobSpec(fullSource, fullOutput, checkpoint);
    }

    private static string ValidateSource(string source)
    {
        var fullSource = Path.GetFullPath(source);
        // A broken link is still a source: its report says what is wrong with it.
        if (!File.Exists(fullSource) && !Directory.Exists(fullSource) && new FileInfo(fullSource).LinkTarget is null)
            throw new UsageException($"source not found: {source}");
        return fullSource;
    }

    private static string ValidateOutput(string output)
    {
        if (File.Exists(output)) throw new UsageException($"--out must be a folder, and {output} is a file");
        Directory.CreateDirectory(output);
        return Path.GetFullPath(output);
    }

    public static string NewJobId() => $"scan-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";

    public static async Task<ScanProgress> RunJobAsync(IClusterClient client, ScanJobSpec spec, ProgressReporter reporter, CancellationToken cancellationToken, TextWriter? console = null)
    {
        var job = client.GetGrain<IScanJobGrain>(NewJobId());
        var progress = await job.StartAsync(spec);
        while (!progress.IsFinished)
        {
            reporter.Report(progress);
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            progress = await job.GetProgressAsync();
        }
        reporter.Report(progress);
        console ??= Console.Out;
        if (progress.State == ScanProgress.Completed)
        {
            console.WriteLine($"{progress.VideosTotal} videos scanned, {progress.VideosFailed} failed; reports in {spec.OutputDirectory}");
            console.WriteLine($"summary: {progress.SummaryPath}");
        }
        else
        {
            Console.Error.WriteLine($"error: scan failed: {progress.Error}");
        }
        return progress;
    }
}
