using STADNet.Grains.Messages;

namespace STADNet.Grains;

/// <summary>Decodes a clip shard with FFmpeg and scores it on one of the silo's model slots.</summary>
public interface IShardWorkerGrain : IGrainWithIntegerKey
{
    [ResponseTimeout("00:30:00")]
    Task<SegmentScores> ScoreAsync(ClipShard shard);
}
