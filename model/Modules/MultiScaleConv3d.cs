using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace STADNet.Model.Modules;

/// <summary>
/// Parallel 3D convolutions with small and large spatial kernels, concatenated: slow and fast
/// movers leave evidence at different scales. Halves the spatial size.
/// </summary>
public sealed class MultiScaleConv3d : Module<Tensor, Tensor>
{
    private readonly Conv3d small;
    private readonly Conv3d large;
    private readonly BatchNorm3d norm;

    public MultiScaleConv3d(string name, long inChannels, long outChannels) : base(name)
    {
        var half = outChannels / 2;
        small = Conv3d(inChannels, half, (3, 3, 3), stride: (1, 2, 2), padding: (1, 1, 1), bias: false);
        large = Conv3d(inChannels, outChannels - half, (3, 5, 5), stride: (1, 2, 2), padding: (1, 2, 2), bias: false);
        norm = BatchNorm3d(outChannels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var merged = cat([small.forward(input), large.forward(input)], 1);
        return functional.relu(norm.forward(merged)).MoveToOuterDisposeScope();
    }
}
