using static TorchSharp.torch;

namespace STADNet.Model;

/// <summary>
/// Evidence tensors of a batch of clips: [B*T] worst patch error and worst latent divergence per
/// frame, [B] segment logits, [B*T, cells] patch errors.
/// </summary>
public sealed record ClipEvidence(Tensor Reconstruction, Tensor Divergence, Tensor Segment, Tensor Patches) : IDisposable
{
    public void Dispose()
    {
        Reconstruction.Dispose();
        Divergence.Dispose();
        Segment.Dispose();
        Patches.Dispose();
    }
}
