using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace STADNet.Model.Modules;

/// <summary>Transposed 3D convolution, batch norm and ReLU: one decoder step, doubling the size it is told to.</summary>
public sealed class UpBlock3d : Module<Tensor, Tensor>
{
    private readonly ConvTranspose3d deconv;
    private readonly BatchNorm3d norm;

    public UpBlock3d(string name, long inChannels, long outChannels, bool doubleTime) : base(name)
    {
        deconv = doubleTime
            ? ConvTranspose3d(inChannels, outChannels, (4, 4, 4), stride: (2, 2, 2), padding: (1, 1, 1), bias: false)
            : ConvTranspose3d(inChannels, outChannels, (3, 4, 4), stride: (1, 2, 2), padding: (1, 1, 1), bias: false);
        norm = BatchNorm3d(outChannels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return functional.relu(norm.forward(deconv.call(input))).MoveToOuterDisposeScope();
    }
}
