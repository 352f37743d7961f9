using STADNet.Model.Modules;

namespace STADNet.Model;

public sealed record TrainingResult(StadNet Model, CheckpointHeader Header, IReadOnlyList<EpochResult> History);
