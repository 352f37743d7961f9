namespace STADNet.Grains.Messages;

/// <summary>
/// How videos are cut and decoded for the model: shard length, the frame size and format shards
/// are decoded at, and the heatmap grid the model reports per frame. With object novelty, shards are
/// also decoded at <see cref="ObjectScale"/> times that size (0: not at all).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ShardPlan(
    [property: Id(0)] int ShardFrames,
    [property: Id(1)] int Width,
    [property: Id(2)] int Height,
    [property: Id(3)] bool Colour,
    [property: Id(4)] int MaxShardsInFlight,
    [property: Id(5)] int HeatmapColumns,
    [property: Id(6)] int HeatmapRows,
    [property: Id(7)] int ObjectScale = 0)
{
    public int HeatmapCells => HeatmapColumns * HeatmapRows;
}
