using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using STADNet.Grains.Messages;
using STADNet.Grains.State;
using STADNet.Media;
using STADNet.Model;
using STADNet.Storage;

namespace STADNet.Grains;

/// <summary>
/// Decodes one shard with FFmpeg and scores it on this silo's model slots, then keeps the result.
/// Only silos with model slots host this grain (see the silo's worker placement). A try that fails
/// on the video's content counts toward <see cref="ScanOptions.ShardAttempts"/>; storage outages
/// and a stopping silo do not.
/// </summary>
public sealed partial class ClipShardGrain(
    [PersistentState("shard", GrainStorage.Name)] IPersistentState<ClipShardState> state,
    ScoringEngine engine,
    ArchiveStore store,
    CheckpointCache checkpoints,
    IOptions<ScanOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<ClipShardGrain> logger) : Grain, IClipShardGrain
{
    public async Task<SegmentScores> ScoreAsync(ClipShard shard)
    {
        if (state.State.Result is { } done) return done;
        var attempts = Math.Max(1, options.Value.ShardAttempts);
        // A stopping silo hands its shard back instead of holding up shutdown.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
        var cancellationToken = stopping.Token;
        ScanMetrics.Enqueued();
        try
        {
            while (true)
            {
                try
                {
                    var result = await ScoreOnceAsync(shard, cancellationToken);
                    var job = new KeyValuePair<string, object?>("job", this.GetPrimaryKeyString().Split('/')[0]);
                    ScanMetrics.ShardsScored.Add(1, job);
                    ScanMetrics.FramesScored.Add(result.Combined.Length, job);
                    return await KeepAsync(result);
                }
                catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    throw new ShardHandedBackException("the silo scoring this shard is shutting down");
                }
                catch (VideoInputException e)
                {
                    ScanMetrics.ShardFailures.Add(1);
                    state.State.FailedTries++;
                    LogShardTryFailed(shard.Source, shard.FirstFrame, state.State.FailedTries, attempts, e.Message);
                    if (state.State.FailedTries >= attempts) return await KeepAsync(SegmentScores.Failure(shard.FirstFrame, e.Message));
                }
            }
        }
        finally
        {
            ScanMetrics.Dequeued();
        }
    }

    private async Task<SegmentScores> ScoreOnceAsync(ClipShard shard, CancellationToken cancellationToken)
    {
        var input = await store.OpenForDecodingAsync(shard.Source, cancellationToken);
        var format = new FrameFormat(shard.Width, shard.Height, shard.Colour);
        DecodedFrames frames;
        byte[]? objectPixels = null;
        try
        {
            frames = await ShardDecoder.DecodeAsync(input, shard.Fps, shard.StartOffsetSeconds, shard.FirstFrame - shard.ContextFrames,
                shard.FrameCount + shard.ContextFrames, shard.ToEnd, format, cancellationToken);
            // Object novelty looks at the moving windows in finer detail: the same frames again, larger.
            if (shard.ObjectScale > 0 && frames.Count > shard.ContextFrames)
                objectPixels = (await ShardDecoder.DecodeLargerAsync(input, shard.Fps, shard.StartOffsetSeconds, frames, shard.ToEnd, shard.ObjectScale, cancellationToken)).Pixels;
        }
        catch (VideoInputException) when (ArchiveLocation.IsBlobReference(shard.Source))
        {
            // FFmpeg cannot tell an unreachable account from a bad file: ask storage; an outage waits there and is retried.
            await store.OpenForDecodingAsync(shard.Source, cancellationToken);
            throw;
        }
        if (frames.Count <= shard.ContextFrames)
            return frames.Count == 0 ? throw new VideoInputException("no frames could be decoded") : new SegmentScores(shard.FirstFrame, [], [], null);
        var checkpoint = await checkpoints.LocalPathAsync(shard.CheckpointPath, cancellationToken);
        var evidence = await engine.ScoreAsync(checkpoint, frames.Pixels, frames.Count, shard.ContextFrames, cancellationToken, objectPixels, frames.FirstFrame);
        return new SegmentScores(shard.FirstFrame, evidence.Combined, evidence.Heatmap, null, evidence.Objects);
    }

    private async Task<SegmentScores> KeepAsync(SegmentScores result)
    {
        state.State.Result = result;
        await StorageRetry.RunAsync(_ => state.WriteStateAsync(), CancellationToken.None,
            (e, delay) => LogStorageRetry(this.GetPrimaryKeyString(), delay.TotalSeconds, e.GetType().Name));
        return result;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shard of {Source} at frame {FirstFrame} failed try {Try} of {Attempts}: {Reason}")]
    private partial void LogShardTryFailed(string source, int firstFrame, int @try, int attempts, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shard {Shard}: storage unreachable ({Error}); retrying in {Seconds:0.#} s")]
    private partial void LogStorageRetry(string shard, double seconds, string error);
}
