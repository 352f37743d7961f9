using STADNet.Model.Modules;
using static TorchSharp.torch;

namespace STADNet.Model;

/// <summary>
/// How rigidly the things moving in each patch cell glide, measured at decode size where a walker's legs still show: the
/// cell's mover speed times the intensity change its moving pixels see, over the part of that change the optical flow
/// fails to explain (the previous frame against the next one warped back by the flow). The flow is smooth over a window
/// about a walker's width, so it follows a walker's body, and the legs swinging against it stay unexplained; a skater,
/// a cyclist or a cart moves as one piece and leaves little. On Ped2's training footage a walker's cell has about half
/// its change unexplained. A cell counts when at least a share of its pixels move (<see cref="DefaultMovingShare"/> unless a
/// calibration says otherwise, <see cref="GlideCalibration.MovingShare"/>): at the edge of a mover the change is mostly what
/// was uncovered, which no flow explains. 0 where a cell does not count.
/// </summary>
public static class MoverGlide
{
    /// <summary>
    /// Share of a cell's pixels that must move for its glide to count, in calibrations from now on: about a quarter of what a
    /// walker fills. On Ped2 the held-out check separated better with a sixteenth than with an eighth or a quarter (README, Mover glide).
    /// </summary>
    public const float DefaultMovingShare = 0.0625f;

    /// <summary>The share that calibrations made before it was recorded were fitted with (checkpoint format 9 until then).</summary>
    public const float FirstMovingShare = 0.25f;

    /// <summary>Unexplained change, summed over a cell's moving pixels (each of 1), below this counts as this much, so a perfectly explained cell stays finite.</summary>
    private const float ResidualFloor = 1e-3f;

    /// <summary>
    /// Glide [N, cells] of the frames <paramref name="next"/> [N, 1, H, W] (0..1) after <paramref name="previous"/>, given the flow
    /// between them (decode pixels); cells of <paramref name="patch"/> pixels, counted where <paramref name="movingShare"/> of them move.
    /// </summary>
    public static Tensor Cells(Tensor previous, Tensor next, Tensor flow, int patch, float movingShare = DefaultMovingShare)
    {
        using var scope = NewDisposeScope();
        var moving = MoverSpeed.Moving((previous + next) * 0.5f, flow);
        var area = patch * patch;
        var counts = MoverSpeed.CellSums(moving, patch);
        var speed = MoverSpeed.CellSums(flow * moving, patch).pow(2).sum([1], keepdim: true).sqrt();
        var change = MoverSpeed.CellSums((next - previous).abs() * moving, patch);
        var residual = MoverSpeed.CellSums((OpticalFlow.Warp(next, flow) - previous).abs() * moving, patch);
        // speed and change are sums over the moving pixels: divided by the count twice, once by the residual's sum.
        var glide = speed * change / (residual.clamp_min(ResidualFloor) * counts.clamp_min(1));
        return glide.where(counts.ge(movingShare * area), 0f).flatten(1).MoveToOuterDisposeScope();
    }
}
