using static TorchSharp.torch;

namespace STADNet.Model;

/// <summary>
/// Evidence tensors of a batch of clips: [B*T, cells] appearance and motion patch errors, [B*T]
/// worst latent divergence per frame, [B] segment logits, [B*T, cells] patch errors over all channels,
/// [B*T] distance of the encoder features from normal ones (<see cref="NormalFeatures"/>), [B*T, cells] speed of
/// the movers in each cell (<see cref="MoverSpeed"/>), null unless asked for.
/// </summary>
public sealed record ClipEvidence(Tensor Appearance, Tensor Motion, Tensor Divergence, Tensor Segment, Tensor Patches, Tensor Novelty, Tensor? Speeds) : IDisposable
{
    public void Dispose()
    {
        Appearance.Dispose();
        Motion.Dispose();
        Divergence.Dispose();
        Segment.Dispose();
        Patches.Dispose();
        Novelty.Dispose();
        Speeds?.Dispose();
    }
}
