using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using STADNet.Grains.Messages;
using STADNet.Grains.Reports;
using STADNet.Media;
using STADNet.Model;

namespace STADNet.Grains;

/// <summary>
/// Lists the archive, runs a bounded number of video scans at once, counts progress and writes
/// the ranked summary. The scan runs in the background of the activation; clients poll progress.
/// </summary>
public sealed partial class ScanJobGrain(IOptions<ScanOptions> options, ILogger<ScanJobGrain> logger) : Grain, IScanJobGrain
{
    private ScanJobSpec? spec;
    private ScanProgress progress = new(ScanProgress.Pending, 0, 0, 0, 0, null, null);

    public async Task<ScanProgress> StartAsync(ScanJobSpec request)
    {
        if (spec is not null)
        {
            if (spec == request) return progress;
            throw new InvalidOperationException($"job {this.GetPrimaryKeyString()} is already running another scan");
        }
        // Loading a checkpoint builds a network: keep that off the grain scheduler.
        var checkpoint = await Task.Run(() => Checkpoint.Load(request.CheckpointPath));
        var videos = VideoArchive.List(request.Source);
        spec = request;
        progress = progress with { State = ScanProgress.Running, VideosTotal = videos.Count };
        var model = new ModelStamp(checkpoint.Id, Checkpoint.FormatVersion, checkpoint.Header.Name);
        var c = checkpoint.Header.Calibration;
        var calibration = new ScoreCalibrationInfo(c.Mean, c.Std, c.Threshold, c.SmoothingWindow);
        var s = checkpoint.Header.Settings;
        var plan = new ShardPlan(options.Value.ShardFrames, s.DecodeWidth, s.DecodeHeight, s.Colour, options.Value.MaxShardsInFlight,
            s.HeatmapColumns, s.HeatmapRows);
        // Clients poll while it runs; keep the activation through long scans between polls too.
        DelayDeactivation(TimeSpan.FromHours(12));
        _ = RunAsync(request, videos, model, calibration, plan);
        return progress;
    }

    public Task<ScanProgress> GetProgressAsync() => Task.FromResult(progress);

    private async Task RunAsync(ScanJobSpec request, IReadOnlyList<string> videos, ModelStamp model, ScoreCalibrationInfo calibration, ShardPlan plan)
    {
        var jobId = this.GetPrimaryKeyString();
        try
        {
            using var slots = new SemaphoreSlim(Math.Max(1, request.MaxConcurrentVideos));
            var outcomes = await Task.WhenAll(videos.Select(async source =>
            {
                await slots.WaitAsync();
                try
                {
                    var videoId = VideoIds.For(source);
                    var video = GrainFactory.GetGrain<IVideoScanGrain>($"{jobId}/{videoId}");
                    VideoScanOutcome outcome;
                    try
                    {
                        outcome = await video.ScanAsync(new VideoScanRequest(jobId, videoId, source, request.OutputDirectory,
                            request.CheckpointPath, model, calibration, plan));
                    }
                    catch (Exception e)
                    {
                        // One video's failure is that video's error line, never the job's end.
                        LogVideoCrashed(e, jobId, source);
                        outcome = new VideoScanOutcome(new VideoSummary(videoId, source, VideoReport.Failed, e.Message.Split('\n')[0], 0, 0), []);
                    }
                    var failed = outcome.Summary.Status != VideoReport.Ok;
                    progress = progress with
                    {
                        VideosDone = progress.VideosDone + 1,
                        VideosFailed = progress.VideosFailed + (failed ? 1 : 0),
                        FramesScored = progress.FramesScored + outcome.Summary.FrameCount,
                    };
                    LogVideoDone(jobId, source, outcome.Summary.Status);
                    return outcome;
                }
                finally
                {
                    slots.Release();
                }
            }));
            var summary = BuildSummary(jobId, request, model, calibration.Threshold, outcomes);
            var path = await ReportFolder.WriteSummaryAsync(request.OutputDirectory, summary, CancellationToken.None);
            progress = progress with { State = ScanProgress.Completed, SummaryPath = path };
        }
        catch (Exception e)
        {
            LogJobFailed(e, jobId);
            progress = progress with { State = ScanProgress.Failed, Error = e.Message.Split('\n')[0] };
        }
    }

    private static ScanSummary BuildSummary(string jobId, ScanJobSpec request, ModelStamp model, double threshold, IReadOnlyList<VideoScanOutcome> outcomes)
    {
        var ranked = outcomes
            .SelectMany(o => o.Events.Select(e => (o.Summary, Event: e)))
            .OrderByDescending(x => x.Event.PeakScore)
            .ThenBy(x => x.Summary.Source, StringComparer.Ordinal)
            .ThenBy(x => x.Event.StartFrame)
            .Select((x, i) => new RankedEvent(i + 1, x.Summary.VideoId, x.Summary.Source, x.Event))
            .ToList();
        return new ScanSummary
        {
            JobId = jobId,
            Source = request.Source,
            VideosTotal = outcomes.Count,
            VideosOk = outcomes.Count(o => o.Summary.Status == VideoReport.Ok),
            VideosFailed = outcomes.Count(o => o.Summary.Status != VideoReport.Ok),
            Threshold = Math.Round(threshold, 4),
            Model = model,
            Videos = outcomes.Select(o => o.Summary).OrderBy(v => v.Source, StringComparer.Ordinal).ToList(),
            Events = ranked,
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: {Source} finished with status {Status}")]
    private partial void LogVideoDone(string jobId, string source, string status);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}: scanning {Source} failed")]
    private partial void LogVideoCrashed(Exception exception, string jobId, string source);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} failed")]
    private partial void LogJobFailed(Exception exception, string jobId);
}
