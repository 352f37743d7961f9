using STADNet.Model.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace STADNet.Model;

/// <summary>Raw per-frame anomaly evidence of decoded frames. Call on a model thread.</summary>
public static class FrameScorer
{
    /// <summary>Clips scored per forward pass, so memory stays flat however long the shard.</summary>
    public const int ClipsPerPass = 16;

    /// <summary>
    /// Evidence for frames <paramref name="contextFrames"/>..<paramref name="frameCount"/> of the buffer;
    /// earlier frames only give the first scored frame its motion.
    /// </summary>
    public static FrameEvidence ScoreRaw(StadNet model, ModelSettings settings, ReadOnlySpan<byte> pixels,
        int frameCount, int contextFrames, Device? device = null)
    {
        if (contextFrames < 0 || contextFrames >= frameCount) throw new ArgumentException("no frames left to score after the context", nameof(contextFrames));
        var targets = frameCount - contextFrames;
        var cells = settings.HeatmapCells;
        var sums = new double[4, targets];
        var patches = new double[targets * cells];
        var counts = new int[targets];
        model.eval();
        using (inference_mode())
        using (var scope = NewDisposeScope())
        {
            var features = ClipBatch.Features(pixels, frameCount, settings, device)[contextFrames..];
            var starts = ClipBatch.ClipStarts(targets, settings.ClipFrames);
            for (var b = 0; b < starts.Count; b += ClipsPerPass)
            {
                using var pass = NewDisposeScope();
                var batchStarts = starts.Skip(b).Take(ClipsPerPass).ToList();
                var clips = ClipBatch.Clips(features, batchStarts, settings.ClipFrames);
                var evidence = Evidence(model, clips, settings);
                var reconstruction = evidence.Reconstruction.cpu().data<float>().ToArray();
                var motion = evidence.Motion.cpu().data<float>().ToArray();
                var divergence = evidence.Divergence.cpu().data<float>().ToArray();
                var segment = evidence.Segment.cpu().data<float>().ToArray();
                var grid = evidence.Patches.cpu().data<float>().ToArray();
                for (var c = 0; c < batchStarts.Count; c++)
                for (var t = 0; t < settings.ClipFrames; t++)
                {
                    var frame = batchStarts[c] + t;
                    if (frame >= targets) continue; // padding of a clip longer than the shard
                    var i = c * settings.ClipFrames + t;
                    sums[0, frame] += reconstruction[i];
                    sums[1, frame] += motion[i];
                    sums[2, frame] += divergence[i];
                    sums[3, frame] += segment[c];
                    for (var k = 0; k < cells; k++) patches[frame * cells + k] += grid[i * cells + k];
                    counts[frame]++;
                }
            }
        }
        float Mean(int component, int frame) => (float)(sums[component, frame] / counts[frame]);
        return new FrameEvidence(
            Enumerable.Range(0, targets).Select(f => Mean(0, f)).ToArray(),
            Enumerable.Range(0, targets).Select(f => Mean(1, f)).ToArray(),
            Enumerable.Range(0, targets).Select(f => Mean(2, f)).ToArray(),
            Enumerable.Range(0, targets).Select(f => Mean(3, f)).ToArray(),
            patches.Select((p, i) => (float)(p / counts[i / cells])).ToArray());
    }

    /// <summary>Per clip and frame: worst appearance and motion patch errors, worst latent divergence, segment logit, and the patch grid.</summary>
    public static ClipEvidence Evidence(StadNet model, Tensor clips, ModelSettings settings)
    {
        using var scope = NewDisposeScope();
        using var output = model.Run(clips);
        long b = clips.shape[0], t = settings.ClipFrames;
        var squared = (output.Reconstruction - model.Target(clips)).pow(2); // [B, R, T, H, W]
        Tensor Grid(Tensor error) => nn.functional.avg_pool2d(error.reshape(b * t, 1, settings.Height, settings.Width), settings.PatchSize)
            .reshape(b * t, settings.HeatmapCells);
        var c = settings.ImageChannels;
        var grid = Grid(squared.mean([1]));
        var appearance = Grid(squared[.., ..c].mean([1])).amax(1);
        var motion = settings.MotionStream ? Grid(squared[.., c..].mean([1])).amax(1) : zeros(b * t, device: clips.device);
        var divergence = output.Divergence() is { } kl
            ? kl.flatten(2).amax(2).repeat_interleave(2, 1).reshape(b * t)
            : zeros(b * t, device: clips.device);
        var segment = output.SegmentLogit?.alias() ?? zeros(b, device: clips.device);
        return new ClipEvidence(appearance.MoveToOuterDisposeScope(), motion.MoveToOuterDisposeScope(), divergence.MoveToOuterDisposeScope(),
            segment.MoveToOuterDisposeScope(), grid.MoveToOuterDisposeScope());
    }
}
