using Microsoft.Extensions.Logging;
using STADNet.Grains.Messages;
using STADNet.Grains.Reports;
using STADNet.Grains.State;
using STADNet.Media;
using STADNet.Model;
using STADNet.Storage;

namespace STADNet.Grains;

/// <summary>
/// Probes one video, cuts it into clip shards, keeps a bounded number of them in flight on worker
/// grains, stitches their scores into one score per frame, calibrates, finds events and writes the report.
/// Its outcome persists; a scan cut short by a lost silo starts again elsewhere and gets the shards
/// already done back from their grains without scoring them again.
/// </summary>
public sealed partial class VideoScanGrain(
    [PersistentState("video", GrainStorage.Name)] IPersistentState<VideoScanState> state,
    ArchiveStore store,
    ILogger<VideoScanGrain> logger) : Grain, IVideoScanGrain
{
    /// <summary>Calls to a shard that fail for the cluster's reasons (a silo lost) before it is given up on.</summary>
    public const int ShardDeliveryAttempts = 20;

    /// <summary>Frames a container's count may exceed what decodes (edit lists, trailing packets) before we call the file damaged.</summary>
    public const int TruncationToleranceFrames = 3;

    public async Task<VideoScanOutcome> ScanAsync(VideoScanRequest request)
    {
        // A repeated call (a job retrying after a lost reply or a restart) gets the finished result, not a second scan.
        if (state.State.Outcome is { } finished) return finished;
        var cancellationToken = CancellationToken.None;
        VideoReport report;
        try
        {
            var info = await ProbeAsync(request.Source, cancellationToken);
            var (combined, heatmap, objects, failed) = await ScoreShardsAsync(request, info, cancellationToken);
            var c = request.Calibration;
            // The object term spreads each sample over its neighbours, across shard borders: added for the whole video.
            if (c.ObjectWeight > 0 && objects is not null)
                combined = ScoreCalibration.AddObjects(combined, objects, c.ObjectWeight, new ComponentCalibration(c.ObjectMean, c.ObjectStd));
            report = BuildReport(request, info, combined, heatmap, failed);
        }
        catch (VideoInputException e)
        {
            LogVideoFailed(request.Source, e.Message);
            report = FailedReport(request, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
        {
            // Whatever else one video does wrong stays that video's error, with a reason in its report.
            LogVideoFailed(request.Source, e.Message);
            report = FailedReport(request, e.Message.Split('\n')[0]);
        }
        await store.WriteReportAsync(request.OutputDirectory, $"{report.VideoId}/{ReportFiles.Report}", report, ReportJson.Options, request.JobId, cancellationToken);
        ScanMetrics.VideosScanned.Add(1, new KeyValuePair<string, object?>("status", report.Status));
        var top = report.FrameScores.Max() ?? double.NaN;
        var outcome = new VideoScanOutcome(
            new VideoSummary(report.VideoId, report.Source, report.Status, report.Error, report.FrameCount, double.IsNaN(top) ? 0 : Math.Round(top, 4)),
            report.Events);
        state.State.Outcome = outcome;
        await StorageRetry.RunAsync(_ => state.WriteStateAsync(), cancellationToken);
        return outcome;
    }

    /// <summary>Probes the video; a blob that fails to probe while storage is down is probed again once storage answers.</summary>
    private async Task<VideoInfo> ProbeAsync(string source, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var input = await store.OpenForDecodingAsync(source, cancellationToken);
            try
            {
                return await VideoProbe.ProbeAsync(input, cancellationToken);
            }
            catch (VideoInputException) when (ArchiveLocation.IsBlobReference(source) && attempt < 3)
            {
                // FFmpeg cannot tell an unreachable account from a bad file; the next open waits out an outage.
            }
        }
    }

    private async Task<(float[] Combined, byte[] Heatmap, float[]? Objects, List<FailedShard> Failed)> ScoreShardsAsync(VideoScanRequest request, VideoInfo info,
        CancellationToken cancellationToken)
    {
        var plan = request.Plan;
        var shards = new List<ClipShard>();
        for (var first = 0; first < info.FrameCount; first += plan.ShardFrames)
        {
            var count = Math.Min(plan.ShardFrames, info.FrameCount - first);
            var last = first + count >= info.FrameCount;
            shards.Add(new ClipShard(request.Source, request.CheckpointPath, info.Fps, first, count, last,
                ObjectNovelty.ShardContext(first, plan.ObjectScale > 0), plan.Width, plan.Height, plan.Colour, info.StartOffsetSeconds, plan.ObjectScale));
        }

        using var slots = new SemaphoreSlim(Math.Max(1, plan.MaxShardsInFlight));
        var results = await Task.WhenAll(shards.Select(async shard =>
        {
            await slots.WaitAsync(cancellationToken);
            try
            {
                return await ScoreWithRetryAsync(request, shard);
            }
            finally
            {
                slots.Release();
            }
        }));

        var scores = new List<float>(info.FrameCount);
        var objects = plan.ObjectScale > 0 ? new List<float>(info.FrameCount) : null;
        var heatmap = new List<byte>(info.FrameCount * plan.HeatmapCells);
        var cells = plan.HeatmapCells;
        var padded = 0;
        var failed = new List<FailedShard>();
        if (results.All(r => r.Failed))
            throw new VideoInputException(shards.Count == 1 ? results[0].Error! : $"no shard could be scored: {results[0].Error}");
        for (var i = 0; i < results.Length; i++)
        {
            var (shard, result) = (shards[i], results[i]);
            if (result.Failed)
            {
                // A shard that failed every try costs its own frames, not the video: they stay unscored.
                failed.Add(new FailedShard(shard.FirstFrame, shard.FrameCount, result.Error!));
                scores.AddRange(Enumerable.Repeat(float.NaN, shard.FrameCount));
                objects?.AddRange(Enumerable.Repeat(float.NaN, shard.FrameCount));
                heatmap.AddRange(new byte[shard.FrameCount * cells]);
                continue;
            }
            if (result.Combined.Length == 0)
            {
                if (!shard.ToEnd) throw new VideoInputException($"truncated or damaged: frames from {shard.FirstFrame} on could not be decoded");
                break; // the probe counted packets past the last decodable frame
            }
            var kept = Math.Min(result.Combined.Length, shard.ToEnd ? int.MaxValue : shard.FrameCount);
            scores.AddRange(result.Combined.Take(kept));
            objects?.AddRange(result.Objects is { } samples ? samples.Take(kept) : Enumerable.Repeat(float.NaN, kept));
            heatmap.AddRange(result.Heatmap.Take(kept * cells));
            // A damaged middle shard can decode short; hold its last frame so later frames keep their place.
            for (var k = result.Combined.Length; !shard.ToEnd && k < shard.FrameCount; k++, padded++)
            {
                scores.Add(result.Combined[^1]);
                objects?.Add(float.NaN);
                heatmap.AddRange(result.Heatmap.AsSpan(result.Heatmap.Length - cells, cells).ToArray());
            }
        }
        if (scores.Count == 0) throw new VideoInputException("no frames could be decoded");
        // The container promised more frames than decode: the file is cut short or damaged.
        var missing = info.FrameCount - scores.Count + padded;
        if (missing > Math.Max(TruncationToleranceFrames, info.FrameCount / 50))
            throw new VideoInputException($"truncated or damaged: only {scores.Count - padded} of {info.FrameCount} frames could be decoded");
        return (scores.ToArray(), heatmap.ToArray(), objects?.ToArray(), failed);
    }

    /// <summary>
    /// The shard's own grain counts tries that fail on the video; here only the cluster's failures
    /// (a silo lost mid-call, a silo handing the shard back as it stops) are retried.
    /// </summary>
    private async Task<SegmentScores> ScoreWithRetryAsync(VideoScanRequest request, ClipShard shard)
    {
        var grain = GrainFactory.GetGrain<IClipShardGrain>($"{request.JobId}/{request.VideoId}/{shard.FirstFrame}");
        var delay = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await grain.ScoreAsync(shard);
            }
            catch (Exception e) when (e is not VideoInputException && attempt < ShardDeliveryAttempts)
            {
                LogShardRetry(shard.Source, shard.FirstFrame, attempt, e.Message.Split('\n')[0]);
                if (e is not ShardHandedBackException)
                {
                    await Task.Delay(delay);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
                }
            }
            catch (Exception e) when (e is not VideoInputException)
            {
                return SegmentScores.Failure(shard.FirstFrame, "could not be scored: " + e.Message.Split('\n')[0]);
            }
        }
    }

    private VideoReport BuildReport(VideoScanRequest request, VideoInfo info, float[] combined, byte[] heatmap, List<FailedShard> failed)
    {
        var c = request.Calibration;
        var scores = ScoreCalibration.Finish(combined, c.Mean, c.Std, c.SmoothingWindow).Select(s => MathF.Round(s, 4)).ToArray();
        foreach (var f in failed) LogShardGivenUp(request.Source, f.FirstFrame, f.Error);
        var cells = request.Plan.HeatmapCells;
        return new VideoReport
        {
            VideoId = request.VideoId,
            Source = request.Source,
            Status = VideoReport.Ok,
            FrameCount = scores.Length,
            Fps = Math.Round(info.Fps, 4),
            Width = info.Width,
            Height = info.Height,
            DurationSeconds = Math.Round(scores.Length / info.Fps, 3),
            FrameScores = scores.Select(s => float.IsNaN(s) ? (float?)null : s).ToArray(),
            FailedShards = failed,
            Heatmaps = new HeatmapGrid
            {
                Columns = request.Plan.HeatmapColumns,
                Rows = request.Plan.HeatmapRows,
                Min = ScoreCalibration.HeatMin,
                Max = ScoreCalibration.HeatMax,
                Frames = Enumerable.Range(0, scores.Length).Select(f => Convert.ToBase64String(heatmap, f * cells, cells)).ToArray(),
            },
            Threshold = Math.Round(c.Threshold, 4),
            Events = EventDetector.Find(scores, Math.Round(c.Threshold, 4), info.Fps),
            Model = request.Model,
            ScannedAt = DateTimeOffset.UtcNow,
        };
    }

    private static VideoReport FailedReport(VideoScanRequest request, string reason) => new()
    {
        VideoId = request.VideoId,
        Source = request.Source,
        Status = VideoReport.Failed,
        Error = reason,
        Threshold = Math.Round(request.Calibration.Threshold, 4),
        Model = request.Model,
        ScannedAt = DateTimeOffset.UtcNow,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Video {Source}: frames from {FirstFrame} left unscored after every try: {Reason}")]
    private partial void LogShardGivenUp(string source, int firstFrame, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Video {Source} could not be scanned: {Reason}")]
    private partial void LogVideoFailed(string source, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shard of {Source} at frame {FirstFrame} not delivered on try {Attempt}, sending it again: {Reason}")]
    private partial void LogShardRetry(string source, int firstFrame, int attempt, string reason);
}
