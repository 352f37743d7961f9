using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using STADNet.Grains.Messages;
using STADNet.Media;
using STADNet.Model;

namespace STADNet.Grains;

/// <summary>
/// Stateless: the silo runs as many activations as it has cores, so several shards decode while
/// the model slots score others; decoding and inference overlap.
/// </summary>
[StatelessWorker]
public sealed partial class ShardWorkerGrain(ScoringEngine engine, ILogger<ShardWorkerGrain> logger) : Grain, IShardWorkerGrain
{
    public async Task<SegmentScores> ScoreAsync(ClipShard shard)
    {
        var cancellationToken = CancellationToken.None;
        try
        {
            var format = new FrameFormat(shard.Width, shard.Height, shard.Colour);
            var decodeFrom = shard.FirstFrame - shard.ContextFrames;
            var frames = await ShardDecoder.DecodeAsync(shard.Source, shard.Fps, shard.StartOffsetSeconds, decodeFrom, shard.FrameCount + shard.ContextFrames,
                shard.ToEnd, format, cancellationToken);
            if (frames.Count <= shard.ContextFrames)
                return frames.Count == 0 ? SegmentScores.Failure(shard.FirstFrame, "no frames could be decoded") : new SegmentScores(shard.FirstFrame, [], [], null);
            var evidence = await engine.ScoreAsync(shard.CheckpointPath, frames.Pixels, frames.Count, shard.ContextFrames, cancellationToken);
            return new SegmentScores(shard.FirstFrame, evidence.Combined, evidence.Heatmap, null);
        }
        catch (VideoInputException e)
        {
            LogShardFailed(shard.Source, shard.FirstFrame, e.Message);
            return SegmentScores.Failure(shard.FirstFrame, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shard of {Source} at frame {FirstFrame} failed: {Reason}")]
    private partial void LogShardFailed(string source, int firstFrame, string reason);
}
