using static TorchSharp.torch;

namespace STADNet.Model;

/// <summary>
/// Evidence tensors of a batch of clips: [B*T] worst appearance and motion patch errors and worst
/// latent divergence per frame, [B] segment logits, [B*T, cells] patch errors over all channels.
/// </summary>
public sealed record ClipEvidence(Tensor Reconstruction, Tensor Motion, Tensor Divergence, Tensor Segment, Tensor Patches) : IDisposable
{
    public void Dispose()
    {
        Reconstruction.Dispose();
        Motion.Dispose();
        Divergence.Dispose();
        Segment.Dispose();
        Patches.Dispose();
    }
}
