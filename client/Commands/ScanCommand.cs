using System.CommandLine;
using STADNet.Client.Terminal;
using STADNet.Client.Hosting;
using STADNet.Grains;
using STADNet.Grains.Messages;
using STADNet.Media;
using STADNet.Model;

namespace STADNet.Client.Commands;

/// <summary><c>stadnet scan &lt;source&gt; --out &lt;dir&gt;</c>: scores every video and writes reports.</summary>
public static class ScanCommand
{
    public static Command Create()
    {
        var source = new Argument<string>("source") { Description = "A video file, or a folder searched recursively (mp4, avi, mkv, mov, webm, mpg, ts)." };
        var output = new Option<string>("--out") { Description = "Folder for the reports.", Required = true };
        var model = new Option<string?>("--model") { Description = "Checkpoint to score with (default: the shipped model)." };
        var slots = new Option<int>("--slots") { Description = "Model slots of the embedded silo.", DefaultValueFactory = _ => 1 };
        var command = new Command("scan", "Scan videos for anomalous events.") { source, output, model, slots };
        command.SetAction((result, cancellationToken) => CommandErrors.Guard(async () =>
        {
            var outcome = await RunAsync(result.GetValue(source)!, result.GetValue(output)!, result.GetValue(model), result.GetValue(slots),
                ProgressReporter.ForConsole(), cancellationToken);
            return outcome.State == ScanProgress.Completed ? 0 : CommandErrors.Failure;
        }));
        return command;
    }

    /// <summary>Runs a scan on the embedded silo and waits for it; the final progress says how it went.</summary>
    public static async Task<ScanProgress> RunAsync(string source, string output, string? model, int slots,
        ProgressReporter reporter, CancellationToken cancellationToken)
    {
        var spec = Validate(source, output, model);
        await using var cluster = await EmbeddedCluster.StartAsync(slots, cancellationToken);
        return await RunJobAsync(cluster.Client, spec, reporter, cancellationToken);
    }

    public static ScanJobSpec Validate(string source, string output, string? model)
    {
        var fullSource = Path.GetFullPath(source);
        // A broken link is still a source: its report says what is wrong with it.
        if (!File.Exists(fullSource) && !Directory.Exists(fullSource) && new FileInfo(fullSource).LinkTarget is null)
            throw new UsageException($"source not found: {source}");
        if (File.Exists(output)) throw new UsageException($"--out must be a folder, and {output} is a file");
        var checkpoint = CheckpointFile.Resolve(model);
        Checkpoint.Load(checkpoint); // a corrupt or foreign checkpoint stops here, before any video is touched
        Directory.CreateDirectory(output);
        return new ScanJobSpec(fullSource, Path.GetFullPath(output), checkpoint);
    }

    public static async Task<ScanProgress> RunJobAsync(IClusterClient client, ScanJobSpec spec, ProgressReporter reporter, CancellationToken cancellationToken, TextWriter? console = null)
    {
        var jobId = $"scan-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
        var job = client.GetGrain<IScanJobGrain>(jobId);
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
