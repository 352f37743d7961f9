using TorchSharp;
using static TorchSharp.torch;

namespace STADNet.Tests.Support;

/// <summary>Smooth random texture [1, 1, H, W] in 0..1: something for optical flow to follow, the same for the same seed.</summary>
public static class SmoothTexture
{
    public static Tensor Of(int seed, int height, int width)
    {
        var generator = new Generator((ulong)seed);
        var noise = rand(1, 1, height / 4, width / 4, generator: generator);
        return nn.functional.interpolate(noise, [height, width], mode: InterpolationMode.Bicubic, align_corners: false).clamp(0, 1);
    }
}
