namespace STADNet.Grains.Messages;

/// <summary>
/// A shard's raw per-frame evidence, frame <see cref="FirstFrame"/> first; or the reason it has none.
/// A few hundred floats: small enough for a grain message.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SegmentScores(
    [property: Id(0)] int FirstFrame,
    [property: Id(1)] float[] RawScores,
    [property: Id(2)] string? Error)
{
    public bool Failed => Error is not null;
}
