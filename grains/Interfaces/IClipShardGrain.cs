using STADNet.Grains.Messages;

namespace STADNet.Grains;

/// <summary>
/// One clip shard of one video of one job, keyed <c>{job}/{video}/{first frame}</c>: decodes it with
/// FFmpeg and scores it on a model slot of a silo that has slots. Its scores persist, so a video
/// scan resumed after a failure gets the shards already done back without scoring them again.
/// </summary>
public interface IClipShardGrain : IGrainWithStringKey
{
    [ResponseTimeout("00:30:00")]
    Task<SegmentScores> ScoreAsync(ClipShard shard);
}
