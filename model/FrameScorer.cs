using STADNet.Model.Modules;
using STADNet.Model.Pretrained;
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
    /// earlier frames only give the first scored frame its motion. With a <paramref name="backbone"/> and a fitted
    /// normal object memory, the evidence includes the object novelty of the sampled frames, judged on
    /// <paramref name="objectPixels"/>: the same frames at <see cref="ObjectNovelty.FrameScale"/> times the decode size.
    /// <paramref name="firstFrame"/> is the frame number in the video of the buffer's first frame, which decides the frames sampled.
    /// Mover speeds are measured only when <paramref name="speeds"/> asks, as a score with a speed term does, and mover
    /// glides (<see cref="MoverGlide"/>, cells counted where <paramref name="glideShare"/> of their pixels move) when <paramref name="glides"/> does.
    /// </summary>
    public static FrameEvidence ScoreRaw(StadNet model, ModelSettings settings, ReadOnlySpan<byte> pixels,
        int frameCount, int contextFrames, Device? device = null, ImageNetBackbone? backbone = null, byte[]? objectPixels = null, int firstFrame = 0,
        bool speeds = false, bool glides = false, float glideShare = MoverGlide.DefaultMovingShare)
    {
        if (contextFrames < 0 || contextFrames >= frameCount) throw new ArgumentException("no frames left to score after the context", nameof(contextFrames));
        using (inference_mode())
        using (var scope = NewDisposeScope())
        {
            var (features, glide) = ClipBatch.Features(ClipBatch.Frames(pixels, frameCount, settings, device), settings, glides, glideShare);
            var evidence = ScoreFeatures(model, settings, features[contextFrames..], speeds, glide?[contextFrames..]);
            if (backbone is null || model.Objects.Count == 0) return evidence;
            if (objectPixels is null) throw new ArgumentException("object novelty needs the frames at the object size", nameof(objectPixels));
            var larger = ObjectNovelty.Frames(objectPixels, frameCount, settings, device);
            return evidence with { Objects = ObjectNovelty.Score(backbone, model.Objects, larger, contextFrames, frameCount, firstFrame) };
        }
    }

    /// <summary>
    /// Evidence for every frame of per-frame features [N, C + 2, H, W] (see <see cref="ClipBatch.Features(Tensor, ModelSettings)"/>), with
    /// mover speeds when <paramref name="speeds"/> asks, and the frames' mover glides [N, cells] when given.
    /// </summary>
    public static FrameEvidence ScoreFeatures(StadNet model, ModelSettings settings, Tensor features, bool speeds = false, Tensor? glides = null)
    {
        var targets = (int)features.shape[0];
        var cells = settings.HeatmapCells;
        var sums = new double[3, targets];
        var patches = new double[4, targets * cells];
        var counts = new int[targets];
        float[]? glideCells;
        model.eval();
        using (inference_mode())
        using (var scope = NewDisposeScope())
        {
            glideCells = Cells(glides);
            var starts = ClipBatch.ClipStarts(targets, settings.ClipFrames);
            for (var b = 0; b < starts.Count; b += ClipsPerPass)
            {
                using var pass = NewDisposeScope();
                var batchStarts = starts.Skip(b).Take(ClipsPerPass).ToList();
                var clips = ClipBatch.Clips(features, batchStarts, settings.ClipFrames);
                var evidence = Evidence(model, clips, settings, speeds);
                var appearance = evidence.Appearance.cpu().data<float>().ToArray();
                var motion = evidence.Motion.cpu().data<float>().ToArray();
                var divergence = evidence.Divergence.cpu().data<float>().ToArray();
                var segment = evidence.Segment.cpu().data<float>().ToArray();
                var grid = evidence.Patches.cpu().data<float>().ToArray();
                var novelty = evidence.Novelty.cpu().data<float>().ToArray();
                var moverSpeeds = evidence.Speeds?.cpu().data<float>().ToArray();
                for (var c = 0; c < batchStarts.Count; c++)
                for (var t = 0; t < settings.ClipFrames; t++)
                {
                    var frame = batchStarts[c] + t;
                    if (frame >= targets) continue; // padding of a clip longer than the shard
                    var i = c * settings.ClipFrames + t;
                    sums[0, frame] += divergence[i];
                    sums[1, frame] += segment[c];
                    sums[2, frame] += novelty[i];
                    for (var k = 0; k < cells; k++)
                    {
                        patches[0, frame * cells + k] += appearance[i * cells + k];
                        patches[1, frame * cells + k] += motion[i * cells + k];
                        patches[2, frame * cells + k] += grid[i * cells + k];
                        if (moverSpeeds is not null) patches[3, frame * cells + k] += moverSpeeds[i * cells + k];
                    }
                    counts[frame]++;
                }
            }
        }
        float Mean(int component, int frame) => (float)(sums[component, frame] / counts[frame]);
        float[] Grid(int kind) => Enumerable.Range(0, targets * cells).Select(i => (float)(patches[kind, i] / counts[i / cells])).ToArray();
        return new FrameEvidence(Grid(0), Grid(1),
            Enumerable.Range(0, targets).Select(f => Mean(0, f)).ToArray(),
            Enumerable.Range(0, targets).Select(f => Mean(1, f)).ToArray(),
            Grid(2),
            Enumerable.Range(0, targets).Select(f => Mean(2, f)).ToArray()) { Speeds = speeds ? Grid(3) : null, Glides = glideCells };
    }

    /// <summary>Per-cell values [N, cells] as a row-major array; null for none.</summary>
    private static float[]? Cells(Tensor? values) => values?.cpu().contiguous().data<float>().ToArray();

    /// <summary>
    /// Evidence of whole clips [B, C, T, H, W], every clip frame counted as a frame, with mover speeds when <paramref name="speeds"/> asks,
    /// and the clips' mover glides [B, T, cells] when given; for held-out checks.
    /// </summary>
    public static FrameEvidence ScoreClips(StadNet model, ModelSettings settings, Tensor clips, bool speeds = false, Tensor? glides = null)
    {
        var parts = new List<FrameEvidence>();
        float[]? glideCells;
        using (NewDisposeScope()) glideCells = Cells(glides?.flatten(0, 1));
        model.eval();
        using (inference_mode())
            for (long b = 0; b < clips.shape[0]; b += ClipsPerPass)
            {
                using var scope = NewDisposeScope();
                using var evidence = Evidence(model, clips[(int)b..(int)Math.Min(clips.shape[0], b + ClipsPerPass)], settings, speeds);
                var segment = evidence.Segment.cpu().data<float>().ToArray();
                parts.Add(new FrameEvidence(evidence.Appearance.cpu().data<float>().ToArray(), evidence.Motion.cpu().data<float>().ToArray(),
                    evidence.Divergence.cpu().data<float>().ToArray(), segment.SelectMany(s => Enumerable.Repeat(s, settings.ClipFrames)).ToArray(),
                    evidence.Patches.cpu().data<float>().ToArray(), evidence.Novelty.cpu().data<float>().ToArray())
                    { Speeds = evidence.Speeds?.cpu().data<float>().ToArray() });
            }
        return new FrameEvidence(parts.SelectMany(p => p.Appearance).ToArray(), parts.SelectMany(p => p.Motion).ToArray(),
            parts.SelectMany(p => p.Divergence).ToArray(), parts.SelectMany(p => p.Segment).ToArray(), parts.SelectMany(p => p.Patches).ToArray(),
            parts.SelectMany(p => p.Novelty).ToArray()) { Speeds = speeds ? parts.SelectMany(p => p.Speeds!).ToArray() : null, Glides = glideCells };
    }

    /// <summary>Per clip and frame: appearance and motion patch errors, worst latent divergence, segment logit, the patch grid, novelty and, when <paramref name="speeds"/> asks, mover speeds.</summary>
    public static ClipEvidence Evidence(StadNet model, Tensor clips, ModelSettings settings, bool speeds = false)
    {
        using var scope = NewDisposeScope();
        using var output = model.Run(clips);
        long b = clips.shape[0], t = settings.ClipFrames;
        var squared = (output.Reconstruction - model.Target(clips)).pow(2); // [B, R, T, H, W]
        Tensor Grid(Tensor error) => nn.functional.avg_pool2d(error.reshape(b * t, 1, settings.Height, settings.Width), settings.PatchSize)
            .reshape(b * t, settings.HeatmapCells);
        var c = settings.ImageChannels;
        var grid = Grid(squared.mean([1]));
        var appearance = Grid(squared[.., ..c].mean([1]));
        var motion = settings.MotionStream ? Grid(squared[.., c..].mean([1])) : zeros(b * t, settings.HeatmapCells, device: clips.device);
        var divergence = output.Divergence() is { } kl
            ? kl.flatten(2).amax(2).repeat_interleave(2, 1).reshape(b * t)
            : zeros(b * t, device: clips.device);
        var segment = output.SegmentLogit?.alias() ?? zeros(b, device: clips.device);
        var distances = model.Normality.forward(output.Encoding); // [B, T/2, places]
        var novelty = distances.topk(Math.Min(NormalFeatures.PooledPlaces, (int)distances.shape[2]), 2).values.mean([2])
            .repeat_interleave(t / distances.shape[1], 1).reshape(b * t);
        // Speeds cost a flow-sized pass per frame; only a score with a speed term reads them.
        var movers = speeds ? MoverSpeed.Cells(clips.permute(0, 2, 1, 3, 4).reshape(b * t, clips.shape[1], settings.Height, settings.Width), settings) : null;
        return new ClipEvidence(appearance.MoveToOuterDisposeScope(), motion.MoveToOuterDisposeScope(), divergence.MoveToOuterDisposeScope(),
            segment.MoveToOuterDisposeScope(), grid.MoveToOuterDisposeScope(), novelty.MoveToOuterDisposeScope(), movers?.MoveToOuterDisposeScope());
    }
}
