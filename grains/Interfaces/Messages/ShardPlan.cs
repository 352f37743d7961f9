namespace STADNet.Grains.Messages;

/// <summary>How videos are cut and decoded for the model: shard length and the model's input frame format.</summary>
[GenerateSerializer, Immutable]
public sealed record ShardPlan(
    [property: Id(0)] int ShardFrames,
    [property: Id(1)] int Width,
    [property: Id(2)] int Height,
    [property: Id(3)] bool Colour,
    [property: Id(4)] int MaxShardsInFlight);
