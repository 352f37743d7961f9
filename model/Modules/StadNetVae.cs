using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace STADNet.Model.Modules;

/// <summary>
/// The spatio-temporal VAE: a multi-scale 3D-convolutional encoder over appearance and motion
/// channels, a spatial latent (mean and log-variance), and a transposed-convolution decoder.
/// Footage unlike the normal training footage reconstructs badly; that error is the anomaly evidence.
/// </summary>
public sealed class StadNetVae : Module<Tensor, Tensor>
{
    private readonly MultiScaleConv3d stem;
    private readonly ConvBlock3d down1;
    private readonly ConvBlock3d down2;
    private readonly Conv3d mean_head;
    private readonly Conv3d logvar_head;
    private readonly Conv3d expand;
    private readonly UpBlock3d up1;
    private readonly UpBlock3d up2;
    private readonly ConvTranspose3d output;

    public StadNetVae(string name, ModelSettings settings) : base(name)
    {
        settings.Validate();
        long c = settings.BaseChannels, input = settings.InputChannels, latent = settings.LatentChannels;
        stem = new MultiScaleConv3d("stem", input, c);
        down1 = new ConvBlock3d("down1", c, 2 * c, (1, 2, 2));
        down2 = new ConvBlock3d("down2", 2 * c, 4 * c, (2, 2, 2));
        mean_head = Conv3d(4 * c, latent, 1);
        logvar_head = Conv3d(4 * c, latent, 1);
        expand = Conv3d(latent, 4 * c, 1);
        up1 = new UpBlock3d("up1", 4 * c, 2 * c, doubleTime: true);
        up2 = new UpBlock3d("up2", 2 * c, c, doubleTime: false);
        output = ConvTranspose3d(c, input, (3, 4, 4), stride: (1, 2, 2), padding: (1, 1, 1));
        RegisterComponents();
    }

    /// <summary>Reconstruction only; see <see cref="Reconstruct"/> for the latent too.</summary>
    public override Tensor forward(Tensor input)
    {
        using var result = Reconstruct(input);
        return result.Reconstruction.alias();
    }

    /// <summary>Encodes, samples the latent (the mean when not training), and decodes.</summary>
    public ClipReconstruction Reconstruct(Tensor input)
    {
        using var scope = NewDisposeScope();
        var features = down2.forward(down1.forward(stem.forward(input)));
        var mean = mean_head.forward(features);
        var logVariance = logvar_head.forward(features).clamp(-10, 10);
        var latent = training ? mean + exp(0.5 * logVariance) * randn_like(mean) : mean;
        var hidden = functional.relu(expand.forward(latent));
        var reconstruction = output.forward(up2.forward(up1.forward(hidden)));
        return new ClipReconstruction(
            reconstruction.MoveToOuterDisposeScope(),
            mean.MoveToOuterDisposeScope(),
            logVariance.MoveToOuterDisposeScope());
    }
}
