namespace STADNet.Client.Export;

/// <summary>One state-dict tensor: its key, shape and dtype as PyTorch names it (float32, int64).</summary>
public sealed record StateDictEntry(string Key, long[] Shape, string Dtype);
