using STADNet.Grains.Messages;

namespace STADNet.Grains.State;

/// <summary>A shard's scores once it is done (or its reason once it has failed every try), and the tries it failed.</summary>
[GenerateSerializer]
public sealed class ClipShardState
{
    [Id(0)] public SegmentScores? Result { get; set; }
    [Id(1)] public int FailedTries { get; set; }
}
