using STADNet.Model.Modules;
using static TorchSharp.torch;

namespace STADNet.Model;

/// <summary>
/// How fast the things moving in each patch cell go: the length of the mean optical flow of the cell's moving
/// pixels, in network pixels per frame, 0 where fewer than <see cref="MinMovingPixels"/> move. A pixel moves when
/// its flow explains an intensity change above <see cref="ChangeLevel"/> (|∇I·f|, brightness constancy), which
/// needs no earlier frame, so a clip's first frame is judged like any other. Averaging flow vectors, not their
/// lengths, lets the flow's noise cancel while a mover's coherent motion stays: on Ped2's training footage a
/// walker's cell goes 0.2–0.3 px a frame (at 96x64), a fifth of a cell.
/// </summary>
public static class MoverSpeed
{
    /// <summary>Intensity change (of 1) a pixel's flow must explain for it to count as moving: above the flow's noise in texture.</summary>
    public const float ChangeLevel = 0.02f;
    /// <summary>Moving pixels a cell needs before its speed means anything (of 64 in an 8x8 cell).</summary>
    public const int MinMovingPixels = 4;

    /// <summary>Cell speeds [M, cells] of per-frame features [M, C + 2, H, W] (appearance in -1..1, flow times <see cref="ClipBatch.FlowGain"/>).</summary>
    public static Tensor Cells(Tensor features, ModelSettings settings)
    {
        using var scope = NewDisposeScope();
        var c = settings.ImageChannels;
        var intensity = features[.., ..c].mean([1], keepdim: true) * 0.5f; // half the appearance: intensity steps of 1
        var flow = features[.., c..(c + 2)] / ClipBatch.FlowGain;
        var moving = Moving(intensity, flow);
        var p = settings.PatchSize;
        var counts = CellSums(moving, p);
        var speed = CellSums(flow * moving, p).pow(2).sum([1], keepdim: true).sqrt() / counts.clamp_min(1);
        return speed.where(counts.ge(MinMovingPixels), 0f).flatten(1).MoveToOuterDisposeScope();
    }

    /// <summary>1 where a pixel's flow explains an intensity change above <see cref="ChangeLevel"/> (|∇I·f|), else 0: [N, 1, H, W].</summary>
    internal static Tensor Moving(Tensor intensity, Tensor flow)
    {
        var (gx, gy) = OpticalFlow.Gradients(intensity);
        return (gx * flow[.., 0..1] + gy * flow[.., 1..2]).abs().gt(ChangeLevel).to_type(flow.dtype);
    }

    /// <summary>Per-cell sums of <paramref name="x"/> [N, C, H, W] over cells of <paramref name="patch"/> pixels a side.</summary>
    internal static Tensor CellSums(Tensor x, int patch) => nn.functional.avg_pool2d(x, patch) * (patch * patch);
}
