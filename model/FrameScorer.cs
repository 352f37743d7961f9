using STADNet.Model.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace STADNet.Model;

/// <summary>Raw per-frame anomaly evidence: the worst local reconstruction error of each frame.</summary>
public static class FrameScorer
{
    /// <summary>Clips scored per forward pass, so memory stays flat however long the shard.</summary>
    public const int ClipsPerPass = 16;

    /// <summary>
    /// Scores frames <paramref name="contextFrames"/>..<paramref name="frameCount"/> of the buffer;
    /// earlier frames only give the first scored frame its motion. Call on a model thread.
    /// </summary>
    public static float[] ScoreRaw(StadNetVae model, ModelSettings settings, ReadOnlySpan<byte> pixels,
        int frameCount, int contextFrames, Device? device = null)
    {
        if (contextFrames < 0 || contextFrames >= frameCount) throw new ArgumentException("no frames left to score after the context", nameof(contextFrames));
        var targets = frameCount - contextFrames;
        var sums = new double[targets];
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
                var perFrame = PatchEvidence(model, clips, settings).cpu().data<float>().ToArray();
                for (var c = 0; c < batchStarts.Count; c++)
                for (var t = 0; t < settings.ClipFrames; t++)
                {
                    var frame = batchStarts[c] + t;
                    if (frame >= targets) continue; // padding of a clip longer than the shard
                    sums[frame] += perFrame[c * settings.ClipFrames + t];
                    counts[frame]++;
                }
            }
        }
        return sums.Select((s, i) => (float)(s / counts[i])).ToArray();
    }

    /// <summary>[B*T] worst patch-mean squared error per frame of each clip.</summary>
    public static Tensor PatchEvidence(StadNetVae model, Tensor clips, ModelSettings settings)
    {
        using var scope = NewDisposeScope();
        using var result = model.Reconstruct(clips);
        var error = (result.Reconstruction - clips).pow(2).sum(1); // [B, T, H, W]
        var frames = error.reshape(-1, 1, settings.Height, settings.Width);
        var stride = Math.Max(1, settings.PatchSize / 2);
        var patches = nn.functional.avg_pool2d(frames, settings.PatchSize, stride);
        return patches.flatten(1).amax(1).MoveToOuterDisposeScope();
    }
}
