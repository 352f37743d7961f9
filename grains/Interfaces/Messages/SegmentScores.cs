namespace STADNet.Grains.Messages;

/// <summary>
/// A shard's per-frame evidence, frame <see cref="FirstFrame"/> first: the combined component
/// scores (still to be smoothed and standardised over the whole video) and the heatmap bytes,
/// <see cref="ShardPlan.HeatmapCells"/> per frame, and with object novelty its samples (NaN between
/// them), which the video spreads over neighbouring frames; or the reason it has none. A few
/// kilobytes: small enough for a grain message.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SegmentScores(
    [property: Id(0)] int FirstFrame,
    [property: Id(1)] float[] Combined,
    [property: Id(2)] byte[] Heatmap,
    [property: Id(3)] string? Error,
    [property: Id(4)] float[]? Objects = null)
{
    public bool Failed => Error is not null;

    public static SegmentScores Failure(int firstFrame, string error) => new(firstFrame, [], [], error);
}
