using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace STADNet.Model.Modules;

/// <summary>
/// The colour (appearance) stream: a 2D CNN applied to every frame on its own, so it describes
/// what is in view, not how it moves. Two strided steps: in [B, C, T, H, W], out [B, F, T, H/4, W/4].
/// </summary>
public sealed class AppearanceStream : Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d norm1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d norm2;

    public AppearanceStream(string name, long inChannels, long outChannels) : base(name)
    {
        conv1 = Conv2d(inChannels, outChannels / 2, 3, stride: 2, padding: 1, bias: false);
        norm1 = BatchNorm2d(outChannels / 2);
        conv2 = Conv2d(outChannels / 2, outChannels, 3, stride: 2, padding: 1, bias: false);
        norm2 = BatchNorm2d(outChannels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor clips)
    {
        using var scope = NewDisposeScope();
        long b = clips.shape[0], c = clips.shape[1], t = clips.shape[2], h = clips.shape[3], w = clips.shape[4];
        var frames = clips.permute(0, 2, 1, 3, 4).reshape(b * t, c, h, w);
        var x = functional.relu(norm1.forward(conv1.call(frames)));
        x = functional.relu(norm2.forward(conv2.call(x)));
        return x.reshape(b, t, x.shape[1], x.shape[2], x.shape[3]).permute(0, 2, 1, 3, 4).contiguous().MoveToOuterDisposeScope();
    }
}
