using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using STADNet.Grains.Messages;
using STADNet.Grains.Reports;
using STADNet.Grains.State;
using STADNet.Media;
using STADNet.Model;
using STADNet.Storage;

namespace STADNet.Grains;

/// <summary>
/// Lists the archive, runs a bounded number of video scans at once, counts progress and writes
/// the ranked summary. Its progress persists after every video, and a reminder brings it back on
/// another silo when the one running it is lost, or after the whole cluster restarts: a resumed
/// job scans only the videos not yet done. Clients poll progress.
/// </summary>
public sealed partial class ScanJobGrain(
    [PersistentState("job", GrainStorage.Name)] IPersistentState<ScanJobState> state,
    ArchiveStore store,
    CheckpointCache checkpoints,
    IOptions<ScanOptions> options,
    ILogger<ScanJobGrain> logger) : Grain, IScanJobGrain, IRemindable
{
    private const string Heartbeat = "drive";
    /// <summary>Calls to a video scan that fail for the cluster's reasons (a silo lost) before the video is given up on.</summary>
    public const int VideoDeliveryAttempts = 10;

    private readonly SemaphoreSlim writes = new(1, 1);
    private Task? running;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.State == ScanProgress.Running) Drive();
        return Task.CompletedTask;
    }

    public async Task<ScanProgress> StartAsync(ScanJobSpec request)
    {
        if (state.State.Spec is { } existing)
        {
            if (existing == request) return Progress();
            throw new InvalidOperationException($"job {this.GetPrimaryKeyString()} is already running another scan");
        }
        var videos = await store.ListVideosAsync(request.Source, CancellationToken.None);
        // The client has validated the checkpoint; fetching it here makes a missing one fail the start, not the job.
        await checkpoints.LocalPathAsync(request.CheckpointPath, CancellationToken.None);
        state.State.Spec = request;
        state.State.Videos = videos.ToList();
        state.State.State = ScanProgress.Running;
        state.State.StartedAt = DateTimeOffset.UtcNow;
        await SaveAsync();
        await this.RegisterOrUpdateReminder(Heartbeat, options.Value.JobHeartbeat, options.Value.JobHeartbeat);
        Drive();
        return Progress();
    }

    public Task<ScanProgress> GetProgressAsync() => Task.FromResult(Progress());

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.State == ScanProgress.Running) Drive();
        else if (await this.GetReminder(reminderName) is { } reminder) await this.UnregisterReminder(reminder);
    }

    private ScanProgress Progress()
    {
        var s = state.State;
        var outcomes = s.Outcomes.Values;
        return new ScanProgress(s.State, s.Videos.Count, outcomes.Count, outcomes.Count(o => o.Summary.Status != VideoReport.Ok),
            outcomes.Sum(o => (long)o.Summary.FrameCount), s.Error, s.SummaryPath);
    }

    /// <summary>Starts driving the job in this activation unless it already is.</summary>
    private void Drive()
    {
        if (running is { IsCompleted: false }) return;
        // Clients poll while it runs; keep the activation through long scans between polls too.
        DelayDeactivation(TimeSpan.FromHours(12));
        running = RunAsync();
    }

    private async Task RunAsync()
    {
        var jobId = this.GetPrimaryKeyString();
        var spec = state.State.Spec!;
        try
        {
            var local = await checkpoints.LocalPathAsync(spec.CheckpointPath, CancellationToken.None);
            // Loading a checkpoint builds a network: keep that off the grain scheduler.
            var checkpoint = await Task.Run(() => Checkpoint.Load(local));
            var model = new ModelStamp(checkpoint.Id, checkpoint.Version, checkpoint.Header.Name);
            var c = checkpoint.Header.Calibration;
            var calibration = new ScoreCalibrationInfo(c.Mean, c.Std, c.Threshold, c.SmoothingWindow,
                c.UsesObjects ? c.ObjectWeight : 0, c.Objects?.Mean ?? 0, c.Objects?.Std ?? 1);
            var s = checkpoint.Header.Settings;
            var plan = new ShardPlan(options.Value.ShardFrames, s.DecodeWidth, s.DecodeHeight, s.Colour, options.Value.MaxShardsInFlight,
                s.HeatmapColumns, s.HeatmapRows, c.UsesObjects ? ObjectNovelty.FrameScale : 0);

            using var slots = new SemaphoreSlim(Math.Max(1, spec.MaxConcurrentVideos));
            var pending = state.State.Videos.Where(v => !state.State.Outcomes.ContainsKey(v)).ToList();
            if (pending.Count < state.State.Videos.Count) LogResumed(jobId, state.State.Outcomes.Count, state.State.Videos.Count);
            await Task.WhenAll(pending.Select(async source =>
            {
                await slots.WaitAsync();
                try
                {
                    var outcome = await ScanVideoAsync(jobId, spec, source, model, calibration, plan);
                    await SaveAsync(() => state.State.Outcomes[source] = outcome);
                    LogVideoDone(jobId, source, outcome.Summary.Status);
                }
                finally
                {
                    slots.Release();
                }
            }));
            var outcomes = state.State.Videos.Select(v => state.State.Outcomes[v]).ToList();
            var summary = BuildSummary(jobId, spec, model, calibration.Threshold, outcomes);
            var path = await store.WriteReportAsync(spec.OutputDirectory, ReportFiles.Summary, summary, ReportJson.Options, jobId, CancellationToken.None);
            await SaveAsync(() => { state.State.State = ScanProgress.Completed; state.State.SummaryPath = path; });
        }
        catch (Exception e)
        {
            LogJobFailed(e, jobId);
            await SaveAsync(() => { state.State.State = ScanProgress.Failed; state.State.Error = e.Message.Split('\n')[0]; });
        }
        if (await this.GetReminder(Heartbeat) is { } reminder) await this.UnregisterReminder(reminder);
    }

    private async Task<VideoScanOutcome> ScanVideoAsync(string jobId, ScanJobSpec spec, string source, ModelStamp model, ScoreCalibrationInfo calibration, ShardPlan plan)
    {
        var videoId = VideoIds.For(source);
        var video = GrainFactory.GetGrain<IVideoScanGrain>($"{jobId}/{videoId}");
        var request = new VideoScanRequest(jobId, videoId, source, spec.OutputDirectory, spec.CheckpointPath, model, calibration, plan);
        var delay = TimeSpan.FromSeconds(1);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await video.ScanAsync(request);
            }
            catch (Exception e)
            {
                // A lost silo: the video scan starts again elsewhere, keeping its finished shards.
                // One video that keeps failing is that video's error line, never the job's end.
                if (attempt >= VideoDeliveryAttempts)
                {
                    LogVideoCrashed(e, jobId, source);
                    return new VideoScanOutcome(new VideoSummary(videoId, source, VideoReport.Failed, e.Message.Split('\n')[0], 0, 0), []);
                }
                LogVideoRetry(jobId, source, attempt, e.Message.Split('\n')[0]);
                await Task.Delay(delay);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    /// <summary>Applies a change and persists it; one write at a time, retried through storage outages.</summary>
    private async Task SaveAsync(Action? change = null)
    {
        await writes.WaitAsync();
        try
        {
            change?.Invoke();
            await StorageRetry.RunAsync(_ => state.WriteStateAsync(), CancellationToken.None,
                (e, delay) => LogStorageRetry(this.GetPrimaryKeyString(), delay.TotalSeconds, e.GetType().Name));
        }
        finally
        {
            writes.Release();
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} resumed: {Done} of {Total} videos were already done")]
    private partial void LogResumed(string jobId, int done, int total);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: scan of {Source} interrupted on try {Attempt}, starting it again: {Reason}")]
    private partial void LogVideoRetry(string jobId, string source, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}: scanning {Source} failed")]
    private partial void LogVideoCrashed(Exception exception, string jobId, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: storage unreachable ({Error}); retrying in {Seconds:0.#} s")]
    private partial void LogStorageRetry(string jobId, double seconds, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} failed")]
    private partial void LogJobFailed(Exception exception, string jobId);
}
