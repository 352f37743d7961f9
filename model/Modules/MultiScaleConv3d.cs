using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace STADNet.Model.Modules;

/// <summary>
/// Parallel 3D convolution branches with small (3x3x3) and large (3x5x5) kernels, each with batch
/// norm and ReLU, concatenated: walkers and fast movers leave evidence at different scales.
/// Halves the spatial size. With <c>multiScale</c> off (ablation) the small kernel takes every channel.
/// </summary>
public sealed class MultiScaleConv3d : Module<Tensor, Tensor>
{
    private readonly Conv3d small_conv;
    private readonly BatchNorm3d small_norm;
    private readonly Conv3d? large_conv;
    private readonly BatchNorm3d? large_norm;

    public MultiScaleConv3d(string name, long inChannels, long outChannels, bool multiScale = true) : base(name)
    {
        var smallChannels = multiScale ? outChannels / 2 : outChannels;
        small_conv = Conv3d(inChannels, smallChannels, (3, 3, 3), stride: (1, 2, 2), padding: (1, 1, 1), bias: false);
        small_norm = BatchNorm3d(smallChannels);
        if (multiScale)
        {
            large_conv = Conv3d(inChannels, outChannels - smallChannels, (3, 5, 5), stride: (1, 2, 2), padding: (1, 2, 2), bias: false);
            large_norm = BatchNorm3d(outChannels - smallChannels);
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var small = functional.relu(small_norm.forward(small_conv.call(input)));
        if (large_conv is null || large_norm is null) return small.MoveToOuterDisposeScope();
        var large = functional.relu(large_norm.forward(large_conv.call(input)));
        return cat([small, large], 1).MoveToOuterDisposeScope();
    }
}
