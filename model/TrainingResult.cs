using STADNet.Model.Modules;

namespace STADNet.Model;

public sealed record TrainingResult(StadNetVae Model, CheckpointHeader Header, IReadOnlyList<EpochResult> History);
