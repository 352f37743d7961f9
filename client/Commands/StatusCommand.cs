using System.CommandLine;
using System.Text.Json;
using STADNet.Client.Hosting;
using STADNet.Grains;
using STADNet.Grains.Messages;

namespace STADNet.Client.Commands;

/// <summary><c>stadnet status &lt;job-id&gt; --cluster &lt;redis&gt; [--json]</c>: a job's progress, from any client.</summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var job = new Argument<string>("job-id") { Description = "The id `stadnet scan --detach` printed." };
        var cluster = new Option<string>("--cluster") { Description = "Redis connection string of the cluster's membership.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON object: state (running, completed, failed), videosTotal, videosDone, videosFailed, ..." };
        var command = new Command("status", "Show a scan job's progress.") { job, cluster, json };
        command.SetAction((result, cancellationToken) => CommandErrors.Guard(async () =>
        {
            await using var connection = await ClusterConnection.ConnectAsync(result.GetValue(cluster)!, cancellationToken);
            var jobId = result.GetValue(job)!;
            var progress = await connection.Client.GetGrain<IScanJobGrain>(jobId).GetProgressAsync();
            if (progress.State == ScanProgress.Pending) throw new UsageException($"no job '{jobId}' was ever started on this cluster");
            Console.WriteLine(result.GetValue(json) ? Format(jobId, progress) : Describe(jobId, progress));
            return progress.State == ScanProgress.Failed ? CommandErrors.Failure : 0;
        }));
        return command;
    }

    public static string Format(string jobId, ScanProgress p) => JsonSerializer.Serialize(new
    {
        jobId,
        state = p.State,
        videosTotal = p.VideosTotal,
        videosDone = p.VideosDone,
        videosFailed = p.VideosFailed,
        framesScored = p.FramesScored,
        error = p.Error,
        summary = p.SummaryPath,
    });

    private static string Describe(string jobId, ScanProgress p) =>
        $"{jobId}: {p.State}, {p.VideosDone}/{p.VideosTotal} videos, {p.VideosFailed} failed, {p.FramesScored} frames"
        + (p.SummaryPath is null ? "" : $"; summary: {p.SummaryPath}") + (p.Error is null ? "" : $"; error: {p.Error}");
}
