using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace STADNet.Model.Modules;

/// <summary>
/// What the encoder's features look like at each place of a fixed camera's view in normal footage:
/// one Gaussian per feature-map position (mean and inverse covariance), fitted on the normal
/// training footage after the weights are learned, not by gradient. A clip whose features sit far
/// from their place's Gaussian shows something normal footage never showed there, however well
/// the decoder rebuilds it (a decoder that rebuilds walkers also rebuilds a slow cyclist).
/// In [B, D, T, h, w] encoder features, out [B, T, h * w] Mahalanobis distances.
/// </summary>
public sealed class FeatureNormality : Module<Tensor, Tensor>
{
    /// <summary>
    /// Added to every covariance's diagonal, so a channel that is constant at a place in normal footage
    /// (a ReLU that never fires there) still has an inverse. 0.001 separated held-out pseudo-anomalies
    /// better than 0.01 and 0.1 on Ped2 (no test labels involved).
    /// </summary>
    public const double Shrinkage = 1e-3;

    private readonly Tensor mean;
    private readonly Tensor precision;
    private readonly Tensor samples;

    public FeatureNormality(string name, long positions, long channels) : base(name)
    {
        mean = zeros(positions, channels);
        precision = zeros(positions, channels, channels);
        samples = zeros(1);
        RegisterComponents();
    }

    /// <summary>Feature vectors per position the fit rests on; 0 until fitted.</summary>
    public long Samples => (long)samples.cpu().item<float>();

    public override Tensor forward(Tensor features)
    {
        using var scope = NewDisposeScope();
        long b = features.shape[0], t = features.shape[2];
        var centred = ByPlace(features) - mean.unsqueeze(1);
        var squared = (matmul(centred, precision) * centred).sum(2).clamp_min(0); // [P, B*T]
        return squared.sqrt().t().reshape(b, t, -1).MoveToOuterDisposeScope();
    }

    /// <summary>Encoder features [B, D, T, h, w] as vectors per place [h * w, B * T, D], place y * w + x, row b * T + t.</summary>
    public static Tensor ByPlace(Tensor features) =>
        features.permute(3, 4, 0, 2, 1).reshape(features.shape[3] * features.shape[4], features.shape[0] * features.shape[2], features.shape[1]);

    /// <summary>Sets the Gaussians from per-position sums of features [P, D] and of their outer products [P, D, D] over <paramref name="count"/> vectors.</summary>
    public void Fit(Tensor sum, Tensor outer, long count)
    {
        if (count < 2) throw new InvalidOperationException($"fitting normal features needs at least two feature vectors per place (one clip of normal footage gives ClipFrames / 2); got {count}");
        using var scope = NewDisposeScope();
        using var grad = no_grad();
        var m = sum / count;
        var covariance = (outer - count * m.unsqueeze(2) * m.unsqueeze(1)) / (count - 1)
                         + Shrinkage * eye(m.shape[1], dtype: m.dtype, device: m.device);
        mean.copy_(m.to(mean.dtype));
        precision.copy_(linalg.inv(covariance).to(precision.dtype));
        samples.fill_(count);
    }

    /// <summary>Multiply-adds of one forward pass over <paramref name="vectors"/> feature vectors of <paramref name="channels"/> channels.</summary>
    public static long MultiplyAdds(long vectors, long channels) => vectors * channels * (channels + 1);
}
