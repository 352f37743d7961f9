using static TorchSharp.torch;

namespace STADNet.Model;

/// <summary>
/// Evidence tensors of a batch of clips: [B*T, cells] appearance and motion patch errors, [B*T]
/// worst latent divergence per frame, [B] segment logits, [B*T, cells] patch errors over all channels.
/// </summary>
public sealed record ClipEvidence(Tensor Appearance, Tensor Motion, Tensor Divergence, Tensor Segment, Tensor Patches) : IDisposable
{
    public void Dispose()
    {
        Appearance.Dispose();
        Motion.Dispose();
        Divergence.Dispose();
        Segment.Dispose();
        Patches.Dispose();
    }
}
