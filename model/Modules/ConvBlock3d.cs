using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace STADNet.Model.Modules;

/// <summary>Strided 3D convolution, batch norm and ReLU: one encoder step.</summary>
public sealed class ConvBlock3d : Module<Tensor, Tensor>
{
    private readonly Conv3d conv;
    private readonly BatchNorm3d norm;

    public ConvBlock3d(string name, long inChannels, long outChannels, (long, long, long) stride) : base(name)
    {
        conv = Conv3d(inChannels, outChannels, (3, 3, 3), stride: stride, padding: (1, 1, 1), bias: false);
        norm = BatchNorm3d(outChannels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return functional.relu(norm.forward(conv.call(input))).MoveToOuterDisposeScope();
    }
}
