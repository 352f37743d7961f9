using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace STADNet.Model.Modules;

/// <summary>
/// The VAE decoder: transposed 3D convolutions from the latent [B, L, T/2, H/8, W/8] back to the
/// clip's appearance (and flow) [B, R, T, H, W], narrowing as the frames grow to keep it cheap.
/// </summary>
public sealed class ClipDecoder : Module<Tensor, Tensor>
{
    private readonly Conv3d expand;
    private readonly UpBlock3d up1;
    private readonly UpBlock3d up2;
    private readonly ConvTranspose3d output;

    public ClipDecoder(string name, long latentChannels, long baseChannels, long outChannels) : base(name)
    {
        expand = Conv3d(latentChannels, 2 * baseChannels, 1);
        up1 = new UpBlock3d("up1", 2 * baseChannels, baseChannels, doubleTime: true);
        up2 = new UpBlock3d("up2", baseChannels, baseChannels / 2, doubleTime: false);
        output = ConvTranspose3d(baseChannels / 2, outChannels, (3, 4, 4), stride: (1, 2, 2), padding: (1, 1, 1));
        RegisterComponents();
    }

    public override Tensor forward(Tensor latent)
    {
        using var scope = NewDisposeScope();
        var hidden = functional.relu(expand.call(latent));
        return output.call(up2.forward(up1.forward(hidden))).MoveToOuterDisposeScope();
    }
}
