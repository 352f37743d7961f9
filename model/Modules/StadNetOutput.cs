using static TorchSharp.torch;

namespace STADNet.Model.Modules;

/// <summary>
/// What one forward pass yields: the reconstruction of the clip's appearance (and flow), the
/// encoder features [B, 4F, T/2, H/8, W/8] the latent is drawn from, the latent distribution,
/// and the segment logit (null for parts an ablation removed).
/// </summary>
public sealed record StadNetOutput(Tensor Reconstruction, Tensor Encoding, Tensor Mean, Tensor? LogVariance, Tensor? SegmentLogit) : IDisposable
{
    /// <summary>[B, T/2, H/8, W/8] KL divergence of the latent from the prior at each latent position, summed over channels.</summary>
    public Tensor? Divergence() => LogVariance is null
        ? null
        : (0.5 * (Mean.pow(2) + LogVariance.exp() - 1 - LogVariance)).sum(1);

    public void Dispose()
    {
        Reconstruction.Dispose();
        Encoding.Dispose();
        Mean.Dispose();
        LogVariance?.Dispose();
        SegmentLogit?.Dispose();
    }
}
