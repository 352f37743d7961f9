using STADNet.Model;
using STADNet.Model.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace STADNet.Tests.Model;

public sealed class OpticalFlowTests
{
    [Theory]
    [InlineData(1.5, -0.7)]
    [InlineData(-3.2, 2.4)]
    [InlineData(0.3, 0.0)]
    public async Task Flow_recovers_a_known_shift_of_a_textured_frame(double dx, double dy)
    {
        var (u, v) = await ModelThread.Run(() =>
        {
            using var scope = NewDisposeScope();
            var previous = Texture(seed: 5);
            // Content moves by (dx, dy): the next frame at x + d shows what the previous showed at x.
            var next = OpticalFlow.Warp(previous, full(1, 2, 96, 128, 0f).index_put_(full(1, 96, 128, (float)-dx), TensorIndex.Colon, TensorIndex.Single(0))
                .index_put_(full(1, 96, 128, (float)-dy), TensorIndex.Colon, TensorIndex.Single(1)));
            using var flow = new OpticalFlow();
            var result = flow.forward(previous, next)[.., .., 16..^16, 16..^16]; // borders lack the content that moved in
            return (result[0, 0].median().item<float>(), result[0, 1].median().item<float>());
        });
        Assert.True(Math.Abs(u - dx) < 0.15, $"u = {u}, expected {dx}");
        Assert.True(Math.Abs(v - dy) < 0.15, $"v = {v}, expected {dy}");
    }

    [Fact]
    public async Task Flow_of_a_still_frame_is_zero_and_a_moving_object_is_found_where_it_is()
    {
        var (still, inside, outside) = await ModelThread.Run(() =>
        {
            using var scope = NewDisposeScope();
            var background = Texture(seed: 9) * 0.2 + 0.4;
            var object0 = background.clone();
            var object1 = background.clone();
            var blob = Texture(seed: 11)[.., .., ..20, ..16];
            object0[.., .., 40..60, 50..66] = blob;
            object1[.., .., 40..60, 53..69] = blob; // three pixels to the right
            using var flow = new OpticalFlow();
            var stillFlow = flow.forward(background, background).abs().max().item<float>();
            var moving = flow.forward(object0, object1);
            return (stillFlow, moving[0, 0, 45..55, 56..62].median().item<float>(), moving[0, .., 5..25, 95..125].abs().max().item<float>());
        });
        Assert.True(still < 1e-4, $"still frame flow {still}");
        Assert.True(Math.Abs(inside - 3) < 0.5, $"object flow {inside}, expected 3");
        // Far from the object (flow bleeds a window or so around a mover), the background stays still.
        Assert.True(outside < 0.1, $"background flow {outside}, expected 0");
    }

    /// <summary>Smooth random texture in 0..1: noise blurred so gradients are well defined.</summary>
    private static Tensor Texture(int seed)
    {
        var generator = new Generator((ulong)seed);
        var noise = rand(1, 1, 24, 32, generator: generator);
        return nn.functional.interpolate(noise, [96, 128], mode: InterpolationMode.Bicubic, align_corners: false).clamp(0, 1);
    }
}
