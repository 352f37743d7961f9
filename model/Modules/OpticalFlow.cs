using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace STADNet.Model.Modules;

/// <summary>
/// Dense optical flow between adjacent frames: pyramidal Lucas–Kanade with warping, written in
/// tensor operations only so it runs wherever the network runs (CPU or GPU). It has no weights.
/// Returns per pixel (u, v) in pixels such that <c>next(x + u, y + v) ≈ previous(x, y)</c>.
/// </summary>
public sealed class OpticalFlow : Module<Tensor, Tensor, Tensor>
{
    private readonly int levels;
    private readonly int window;
    private readonly int iterations;
    private readonly double regularisation;

    /// <param name="levels">Pyramid levels; each doubles the largest motion that can be followed (about 2^levels pixels).</param>
    /// <param name="window">Side of the neighbourhood whose pixels share one motion.</param>
    /// <param name="iterations">Warp-and-refine steps per level.</param>
    /// <param name="regularisation">Keeps flat, textureless regions at zero flow instead of noise.</param>
    public OpticalFlow(string name = "optical_flow", int levels = 3, int window = 9, int iterations = 2, double regularisation = 2e-5) : base(name)
    {
        if (levels < 1 || window < 3 || window % 2 == 0 || iterations < 1) throw new ArgumentException("invalid optical flow settings");
        this.levels = levels;
        this.window = window;
        this.iterations = iterations;
        this.regularisation = regularisation;
        RegisterComponents();
    }

    /// <param name="previous">[N, 1, H, W] intensities in 0..1.</param>
    /// <param name="next">[N, 1, H, W], the frames that follow.</param>
    /// <returns>[N, 2, H, W] flow in pixels.</returns>
    public override Tensor forward(Tensor previous, Tensor next)
    {
        using var scope = NewDisposeScope();
        var pyramidA = Pyramid(previous);
        var pyramidB = Pyramid(next);
        Tensor? flow = null;
        for (var level = pyramidA.Count - 1; level >= 0; level--)
        {
            var a = pyramidA[level];
            var b = pyramidB[level];
            flow = flow is null
                ? zeros(a.shape[0], 2, a.shape[2], a.shape[3], dtype: a.dtype, device: a.device)
                : functional.interpolate(flow, [a.shape[2], a.shape[3]], mode: InterpolationMode.Bilinear, align_corners: false) * 2.0;
            for (var i = 0; i < iterations; i++) flow = Refine(a, b, flow);
        }
        return flow!.MoveToOuterDisposeScope();
    }

    private List<Tensor> Pyramid(Tensor frames)
    {
        var smoothed = Blur(frames);
        var pyramid = new List<Tensor> { smoothed };
        for (var l = 1; l < levels && pyramid[^1].shape[2] >= 16 && pyramid[^1].shape[3] >= 16; l++)
            pyramid.Add(Blur(functional.avg_pool2d(pyramid[^1], 2)));
        return pyramid;
    }

    /// <summary>One Lucas–Kanade step: warp the next frame by the current flow and solve for the residual motion.</summary>
    private Tensor Refine(Tensor previous, Tensor next, Tensor flow)
    {
        var warped = Warp(next, flow);
        var mean = (previous + warped) * 0.5;
        var (ix, iy) = Gradients(mean);
        var it = warped - previous;
        // The five window sums of the structure tensor in one separable pass.
        var sums = Box(cat([ix * ix, iy * iy, ix * iy, ix * it, iy * it], 1));
        var sxx = sums[.., 0..1] + regularisation;
        var syy = sums[.., 1..2] + regularisation;
        var sxy = sums[.., 2..3];
        var sxt = sums[.., 3..4];
        var syt = sums[.., 4..5];
        var determinant = sxx * syy - sxy * sxy;
        var du = -(syy * sxt - sxy * syt) / determinant;
        var dv = -(sxx * syt - sxy * sxt) / determinant;
        // A step larger than a pixel or two at one level is the linearisation failing, not motion.
        return flow + cat([du, dv], 1).clamp(-2.0, 2.0);
    }

    /// <summary>
    /// Window mean, separable: rows then columns (at the borders, of the pixels inside). Running
    /// sums cost the same for any window and take half the time of pooling at this size on a CPU.
    /// </summary>
    private Tensor Box(Tensor x) => BoxMean(BoxMean(x, 3), 2);

    private Tensor BoxMean(Tensor x, int dim)
    {
        var length = x.shape[dim];
        var r = window / 2;
        // A leading zero makes every window sum one difference of two running sums.
        long[] padding = dim == 3 ? [r + 1, r, 0, 0] : [0, 0, r + 1, r];
        var sums = functional.pad(x, padding).cumsum(dim);
        var windowSums = sums.narrow(dim, window, length) - sums.narrow(dim, 0, length);
        var positions = arange(length, dtype: x.dtype, device: x.device);
        var counts = (positions + r).clamp_max(length - 1) - (positions - r).clamp_min(0) + 1;
        return windowSums / (dim == 3 ? counts.view(1, 1, 1, length) : counts.view(1, 1, length, 1));
    }

    /// <summary>Central-difference intensity gradients per pixel, borders replicated.</summary>
    public static (Tensor X, Tensor Y) Gradients(Tensor x)
    {
        var padded = functional.pad(x, [1, 1, 1, 1], PaddingModes.Replicate);
        var gx = (padded[.., .., 1..^1, 2..] - padded[.., .., 1..^1, ..^2]) * 0.5;
        var gy = (padded[.., .., 2.., 1..^1] - padded[.., .., ..^2, 1..^1]) * 0.5;
        return (gx, gy);
    }

    /// <summary>Separable 5-tap binomial blur: the derivatives of raw frames are too noisy for flow.</summary>
    private static Tensor Blur(Tensor x)
    {
        var taps = tensor(new float[] { 1, 4, 6, 4, 1 }, dtype: x.dtype, device: x.device) / 16f;
        var padded = functional.pad(x, [2, 2, 2, 2], PaddingModes.Replicate);
        var horizontal = functional.conv2d(padded, taps.view(1, 1, 1, 5));
        return functional.conv2d(horizontal, taps.view(1, 1, 5, 1));
    }

    /// <summary>Samples <paramref name="frames"/> at each pixel plus its flow, bilinearly, borders extended.</summary>
    public static Tensor Warp(Tensor frames, Tensor flow)
    {
        using var scope = NewDisposeScope();
        long h = frames.shape[2], w = frames.shape[3];
        var ys = arange(h, dtype: frames.dtype, device: frames.device).view(1, h, 1).expand(1, h, w);
        var xs = arange(w, dtype: frames.dtype, device: frames.device).view(1, 1, w).expand(1, h, w);
        var gx = (xs + flow[.., 0]) * (2.0 / Math.Max(1, w - 1)) - 1.0;
        var gy = (ys + flow[.., 1]) * (2.0 / Math.Max(1, h - 1)) - 1.0;
        var grid = stack([gx, gy], -1);
        return functional.grid_sample(frames, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Border, align_corners: true)
            .MoveToOuterDisposeScope();
    }
}
