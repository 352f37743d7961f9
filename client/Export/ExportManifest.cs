using STADNet.Model;

namespace STADNet.Client.Export;

/// <summary>
/// The JSON written beside an exported state dict: everything a researcher needs to rebuild the
/// network in PyTorch and score with it as STADNet does, taken from the checkpoint's header.
/// </summary>
public sealed record ExportManifest
{
    /// <summary>What the weights file holds: a state dict saved in PyTorch's zip format.</summary>
    public string Format { get; init; } = "pytorch-state-dict";
    /// <summary>The weights file's name, beside this one.</summary>
    public required string Weights { get; init; }
    /// <summary>The network class that produced the state dict.</summary>
    public required string Architecture { get; init; }
    /// <summary>Learnable values in the network (the state dict also holds batch-norm statistics).</summary>
    public required long ParameterCount { get; init; }
    public required string ModelId { get; init; }
    public required string ModelName { get; init; }
    public required ModelSettings Settings { get; init; }
    /// <summary>Shape of one input batch of one clip, in <see cref="InputLayout"/> order.</summary>
    public required long[] InputShape { get; init; }
    public string InputLayout { get; init; } = "batch, channels, frames, height, width";
    public required ScoreCalibration Calibration { get; init; }
    /// <summary>Calibrated score at or above which a frame is anomalous (also in <see cref="Calibration"/>).</summary>
    public required double Threshold { get; init; }
    public TrainingRecord? Training { get; init; }
    /// <summary>Every state-dict entry in the module's order.</summary>
    public required IReadOnlyList<StateDictEntry> StateDict { get; init; }
}
