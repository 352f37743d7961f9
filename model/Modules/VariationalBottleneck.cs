using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace STADNet.Model.Modules;

/// <summary>
/// The VAE's latent: mean and log-variance heads and the reparameterisation trick (a sample while
/// training, the mean when scoring). Off (ablation): the mean alone, a plain autoencoder.
/// </summary>
public sealed class VariationalBottleneck : Module<Tensor, Tensor>
{
    private readonly Conv3d mean_head;
    private readonly Conv3d? logvar_head;

    public VariationalBottleneck(string name, long inChannels, long latentChannels, bool variational = true) : base(name)
    {
        mean_head = Conv3d(inChannels, latentChannels, 1);
        if (variational) logvar_head = Conv3d(inChannels, latentChannels, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor features)
    {
        var (latent, mean, logVariance) = Encode(features);
        mean.Dispose();
        logVariance?.Dispose();
        return latent;
    }

    /// <returns>The latent, its mean, and its log-variance (null when not variational).</returns>
    public (Tensor Latent, Tensor Mean, Tensor? LogVariance) Encode(Tensor features)
    {
        using var scope = NewDisposeScope();
        var mean = mean_head.call(features);
        if (logvar_head is null) return (mean.alias().MoveToOuterDisposeScope(), mean.MoveToOuterDisposeScope(), null);
        var logVariance = logvar_head.call(features).clamp(-10, 10);
        var latent = training ? mean + exp(0.5 * logVariance) * randn_like(mean) : mean.alias();
        return (latent.MoveToOuterDisposeScope(), mean.MoveToOuterDisposeScope(), logVariance.MoveToOuterDisposeScope());
    }
}
