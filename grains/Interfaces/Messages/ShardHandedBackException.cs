namespace STADNet.Grains.Messages;

/// <summary>A stopping silo gave a shard back unscored; it is sent elsewhere without counting as a failed try.</summary>
[GenerateSerializer]
public sealed class ShardHandedBackException(string message) : Exception(message);
