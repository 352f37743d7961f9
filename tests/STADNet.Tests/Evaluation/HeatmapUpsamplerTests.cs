using STADNet.Client.Evaluation;

namespace STADNet.Tests.Evaluation;

public sealed class HeatmapUpsamplerTests
{
    [Fact]
    public void Samples_at_cell_centres_and_clamps_at_borders()
    {
        // Two cells over four pixels: pixel centres sit at cell coordinates -0.25, 0.25, 0.75, 1.25.
        // The outer two clamp onto the cells; the inner two mix them 3:1 and 1:3.
        var output = new float[4];
        new HeatmapUpsampler(2, 1, 4, 1).Upsample([0f, 8f], output);
        Assert.Equal([0f, 2f, 6f, 8f], output);
    }

    [Fact]
    public void Rows_run_top_down_and_columns_left_to_right()
    {
        // 2x2 grid, row-major: top-left 0, top-right 4, bottom-left 8, bottom-right 12; upsampled to 4x4.
        var output = new float[16];
        new HeatmapUpsampler(2, 2, 4, 4).Upsample([0f, 4f, 8f, 12f], output);
        Assert.Equal(0f, output[0]);             // top-left corner clamps to the top-left cell
        Assert.Equal(4f, output[3]);             // top-right
        Assert.Equal(8f, output[12]);            // bottom-left
        Assert.Equal(12f, output[15]);           // bottom-right
        Assert.Equal(1f + 2f, output[1 * 4 + 1]); // x 0.25 → +1, y 0.25 → +2
        Assert.Equal(3f + 6f, output[2 * 4 + 2]); // x 0.75 → +3, y 0.75 → +6
    }

    [Fact]
    public void Same_size_is_the_identity_and_uniform_stays_uniform()
    {
        float[] grid = [1, 2, 3, 4, 5, 6];
        var same = new float[6];
        new HeatmapUpsampler(3, 2, 3, 2).Upsample(grid, same);
        Assert.Equal(grid, same);

        var big = new float[96 * 64];
        new HeatmapUpsampler(12, 8, 96, 64).Upsample(Enumerable.Repeat(2.5f, 96).ToArray(), big);
        Assert.All(big, v => Assert.Equal(2.5f, v));
    }

    [Fact]
    public void Wrong_sizes_throw()
    {
        var upsampler = new HeatmapUpsampler(2, 2, 4, 4);
        Assert.Throws<ArgumentException>(() => upsampler.Upsample(new float[3], new float[16]));
        Assert.Throws<ArgumentException>(() => upsampler.Upsample(new float[4], new float[15]));
    }
}
