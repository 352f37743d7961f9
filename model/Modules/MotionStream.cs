using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace STADNet.Model.Modules;

/// <summary>
/// The motion stream: 3D convolutions over the optical flow of a clip. Two coordinate channels go
/// in with the flow: for a fixed camera, how fast is normal depends on where in the view (perspective).
/// In [B, 2, T, H, W] flow, out [B, F, T, H/4, W/4].
/// </summary>
public sealed class MotionStream : Module<Tensor, Tensor>
{
    private readonly Conv3d conv1;
    private readonly BatchNorm3d norm1;
    private readonly Conv3d conv2;
    private readonly BatchNorm3d norm2;

    public MotionStream(string name, long outChannels) : base(name)
    {
        conv1 = Conv3d(4, outChannels / 2, (3, 3, 3), stride: (1, 2, 2), padding: (1, 1, 1), bias: false);
        norm1 = BatchNorm3d(outChannels / 2);
        conv2 = Conv3d(outChannels / 2, outChannels, (3, 3, 3), stride: (1, 2, 2), padding: (1, 1, 1), bias: false);
        norm2 = BatchNorm3d(outChannels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor flow)
    {
        using var scope = NewDisposeScope();
        long b = flow.shape[0], t = flow.shape[2], h = flow.shape[3], w = flow.shape[4];
        var ys = linspace(-1, 1, h, dtype: flow.dtype, device: flow.device).view(1, 1, 1, h, 1).expand(b, 1, t, h, w);
        var xs = linspace(-1, 1, w, dtype: flow.dtype, device: flow.device).view(1, 1, 1, 1, w).expand(b, 1, t, h, w);
        var x = functional.relu(norm1.forward(conv1.call(cat([flow, xs, ys], 1))));
        return functional.relu(norm2.forward(conv2.call(x))).MoveToOuterDisposeScope();
    }
}
