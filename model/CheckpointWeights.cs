using System.Text.Json.Serialization;
using STADNet.Model.Modules;

namespace STADNet.Model;

/// <summary>
/// The network of a checkpoint without its score calibration: what recalibration needs, and all
/// that can still be read from a file whose calibration this build no longer uses.
/// </summary>
public sealed record CheckpointWeights
{
    public string Name { get; init; } = "stadnet";
    public required ModelSettings Settings { get; init; }
    public TrainingRecord? Training { get; init; }
    /// <summary>TorchSharp state-dict bytes.</summary>
    [JsonIgnore]
    public byte[] Weights { get; init; } = [];
    /// <summary>The file's format version.</summary>
    [JsonIgnore]
    public int Version { get; init; }

    public StadNet CreateModel(TorchSharp.torch.Device? device = null) => Checkpoint.Build(Settings, Weights, device, Version);
}
