using STADNet.Model.Modules;
using STADNet.Model.Pretrained;
using TorchSharp;
using static TorchSharp.torch;

namespace STADNet.Model;

/// <summary>
/// Object novelty: how unlike the moving things of normal footage the moving things in a frame
/// look to an ImageNet-pretrained backbone. The frame, decoded at <see cref="FrameScale"/> times the
/// network's decode size (a bicycle's wheels are lost at the decode size), is cut into a grid of
/// square windows <see cref="WindowRows"/> to a column; the <see cref="WindowsPerFrame"/> windows
/// with the most change since <see cref="MotionGap"/> frames before are magnified to the
/// backbone's 224x224 (where it recognises a bicycle as one) and the frame's evidence is the
/// largest distance of their features from the normal memory (<see cref="ObjectNormality"/>).
/// The backbone costs about 40 ms a window on two CPU cores, so one frame in <see cref="Stride"/>
/// is sampled; the score formula averages the samples around each frame (<see cref="Span"/>).
/// Call on a model thread.
/// </summary>
public static class ObjectNovelty
{
    /// <summary>Frames are judged at this multiple of the decode size (384x256 for the default 192x128).</summary>
    public const int FrameScale = 2;
    /// <summary>
    /// One frame in this many is sampled (half a second of Ped2's 10 frames/s): anomalous events last seconds. For about the
    /// same backbone work a scan can look at more frames or more windows of each; on Ped2's held-out check (no test labels
    /// involved; the shipped network, object weights compared each time, 1 kept each time, pseudo-anomalies judged as three
    /// samples each time) one frame in 10 with 4 windows gave AUC 0.9355, one in 5 with 2 windows 0.9414 and one in 3 with 1
    /// window 0.9313, so one in 5 with 2 windows.
    /// </summary>
    public const int Stride = 5;
    /// <summary>Frames whose samples (<see cref="SamplesPerSpan"/>, fewer at a video's ends) are averaged into one frame's object evidence.</summary>
    public const int Span = SamplesPerSpan * Stride + 1;
    /// <summary>
    /// Samples a frame's object evidence averages when the thing moving lasts its whole span. The held-out check judges a
    /// pseudo-anomaly by the mean of this many clips of its kind (<see cref="Lasting"/>), independent draws where a span's
    /// samples of normal footage show the same people; so more samples flatter the pseudo-anomalies more than the normal
    /// frames, and the count was not chosen by that check (6 with one frame in 5 gave 0.9502 there, the bias included).
    /// </summary>
    public const int SamplesPerSpan = 3;
    /// <summary>Window rows of the grid; a window's side is the frame height over this (64 pixels at 384x256, a near walker's height in Ped2).</summary>
    public const int WindowRows = 4;
    /// <summary>
    /// Windows scored per sampled frame, the most changing first (see <see cref="Stride"/>). With one frame in 10 sampled, 2, 3,
    /// 4, 6 and every moving window gave held-out AUC 0.9312, 0.9296, 0.9355, 0.9366 and 0.9328; ranking the moving windows by
    /// the network's feature novelty at their place instead of by change gave 0.9277 (2 by change and 2 by novelty: 0.9295).
    /// </summary>
    public const int WindowsPerFrame = 2;
    /// <summary>A window counts as moving when at least this fraction of its pixels changed.</summary>
    public const float MovingFraction = 0.01f;
    /// <summary>A pixel changed when its intensity moved by more than this (of 1) over <see cref="MotionGap"/> frames: above sensor noise.</summary>
    public const float ChangeLevel = 20f / 255f;
    /// <summary>
    /// The normal memory is fitted on one frame in this many: every frame, five times as many as are sampled, so it holds
    /// the walkers' poses between samples too. On Ped2's held-out check (no test labels involved) one in 10 gave AUC 0.9220,
    /// one in 2 0.9317 and every frame 0.9330 (raw features, before the memory compared directions), for about 15 more
    /// minutes of calibration.
    /// </summary>
    public const int MemoryStride = 1;
    /// <summary>Frames between the two frames whose difference finds the moving windows.</summary>
    public const int MotionGap = 2;
    /// <summary>Frames whose windows the normal memory crops at a time, so a long video's frames are not all floats at once.</summary>
    private const int FramesPerCrop = 16;
    /// <summary>Windows per backbone pass, so memory stays flat.</summary>
    private const int WindowsPerPass = 16;

    /// <summary>The settings whose decode size is the object size: <see cref="FrameScale"/> times the model's.</summary>
    public static ModelSettings FrameSettings(ModelSettings settings) => settings with { DecodeScale = settings.DecodeScale * FrameScale };

    /// <summary>Decoded bytes [N, H, W, C] at the object size as byte frames [N, C, H, W]; the frames a score uses are converted there.</summary>
    public static Tensor Frames(ReadOnlySpan<byte> pixels, int frameCount, ModelSettings settings, Device? device = null) =>
        ClipBatch.Bytes(pixels, frameCount, FrameSettings(settings), device);

    /// <summary>
    /// Frames a shard starting at frame <paramref name="first"/> decodes before its own: one, so its first frame has
    /// motion, or <see cref="MotionGap"/> with object novelty, so its sampled frames have their motion partners.
    /// </summary>
    public static int ShardContext(int first, bool withObjects) => Math.Min(first, withObjects ? MotionGap : 1);

    /// <summary>
    /// Indices of the frames of [from, to) that are sampled: those whose frame number in the video
    /// (<paramref name="origin"/> is that of index 0) is <see cref="Stride"/>/2 more than a multiple of
    /// <see cref="Stride"/>, so a video cut into shards anywhere samples the same frames as the whole.
    /// </summary>
    public static IReadOnlyList<int> SampledFrames(int from, int to, int origin = 0)
    {
        var frames = new List<int>();
        var first = from + (((Stride / 2 - (origin + from)) % Stride) + Stride) % Stride;
        for (var f = first; f < to; f += Stride) frames.Add(f);
        return frames;
    }

    /// <summary>
    /// Frames of [from, to) whose moving windows the normal memory is fitted on: every <see cref="MemoryStride"/>th from
    /// frame 1 on (so the sampled frames are among them), from the first whose motion partner is in the video.
    /// </summary>
    public static IReadOnlyList<int> MemoryFrames(int from, int to)
    {
        var frames = new List<int>();
        for (var f = Math.Max(from, MotionGap); f < to; f++)
            if ((f - 1) % MemoryStride == 0) frames.Add(f);
        return frames;
    }

    /// <summary>
    /// Evidence for frames [from, to) of frames [N, C, H, W] (bytes, or floats in 0..1) (<paramref name="origin"/>: the frame number in
    /// the video of index 0): a sampled frame's largest window distance, NaN for the frames between samples and for a
    /// sampled frame where nothing moves. A sample's motion partner <see cref="MotionGap"/> frames before must be in
    /// the buffer (a shard decodes that many context frames) for its evidence to match the whole video's.
    /// </summary>
    public static float[] Score(ImageNetBackbone backbone, ObjectNormality normality, Tensor frames, int from, int to, int origin = 0)
    {
        var sampled = SampledFrames(from, to, origin);
        var values = Largest(backbone, normality, frames, sampled, WindowsPerFrame);
        var evidence = Enumerable.Repeat(float.NaN, to - from).ToArray();
        for (var i = 0; i < sampled.Count; i++) evidence[sampled[i] - from] = values[i];
        return evidence;
    }

    /// <summary>
    /// The object evidence of held-out pseudo-anomalies as a scan sees an event that lasts: each clip's one sample averaged
    /// with those of the next <see cref="SamplesPerSpan"/> - 1 clips of its kind (in the order drawn, wrapping round), which
    /// stand in for the later samples of its span; NaN samples (nothing moving) are left out, as the score's spread leaves
    /// them out. Normal frames' evidence is the mean of a span's samples, so single samples would be judged against
    /// means, and their extra noise would count against the object term for every pseudo-anomaly whose object is normal.
    /// </summary>
    public static float[] Lasting(IReadOnlyList<float> samples, IReadOnlyList<PseudoAnomalyKind> kinds)
    {
        if (samples.Count != kinds.Count) throw new ArgumentException("one kind per sample is needed", nameof(kinds));
        var result = new float[samples.Count];
        foreach (var group in Enumerable.Range(0, samples.Count).GroupBy(i => kinds[i]))
        {
            var members = group.ToArray();
            for (var p = 0; p < members.Length; p++)
            {
                var values = Enumerable.Range(0, Math.Min(SamplesPerSpan, members.Length))
                    .Select(k => samples[members[(p + k) % members.Length]]).Where(v => !float.IsNaN(v)).ToList();
                result[members[p]] = values.Count == 0 ? float.NaN : values.Average();
            }
        }
        return result;
    }

    /// <summary>For each listed frame of [N, C, H, W], the largest novelty of its most changing windows (NaN where none moves).</summary>
    public static float[] Largest(ImageNetBackbone backbone, ObjectNormality normality, Tensor frames, IReadOnlyList<int> indices, int windowsPerFrame)
    {
        using var scope = NewDisposeScope();
        var result = Enumerable.Repeat(float.NaN, indices.Count).ToArray();
        if (indices.Count == 0) return result;
        var (crops, owners) = MovingWindows(frames, indices, windowsPerFrame);
        if (owners.Length == 0) return result;
        var distances = normality.forward(Features(backbone, crops)).cpu().data<float>().ToArray();
        for (var w = 0; w < owners.Length; w++)
            result[owners[w]] = float.IsNaN(result[owners[w]]) ? distances[w] : Math.Max(result[owners[w]], distances[w]);
        return result;
    }

    /// <summary>Backbone features [K, 512] of every moving window of the listed frames: what the normal memory is fitted on.</summary>
    public static Tensor NormalWindows(ImageNetBackbone backbone, Tensor frames, IReadOnlyList<int> indices)
    {
        using var scope = NewDisposeScope();
        // The memory lists every frame: cropping a few frames at a time keeps the float copies of whole frames (and their
        // motion partners) to a few at once, however long the video; the crops, small, are judged together as before.
        var crops = indices.Count <= FramesPerCrop
            ? MovingWindows(frames, indices, int.MaxValue).Crops
            : cat(indices.Chunk(FramesPerCrop).Select(chunk => MovingWindows(frames, chunk, int.MaxValue).Crops).ToList(), 0);
        return Features(backbone, crops).MoveToOuterDisposeScope();
    }

    /// <summary>Backbone features of window crops [K, C, side, side] in 0..1, magnified to the backbone's input size.</summary>
    public static Tensor Features(ImageNetBackbone backbone, Tensor crops)
    {
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        using (inference_mode())
            for (long k = 0; k < crops.shape[0]; k += WindowsPerPass)
            {
                var batch = crops[(int)k..(int)Math.Min(crops.shape[0], k + WindowsPerPass)];
                var inputs = nn.functional.interpolate(batch, [ImageNetBackbone.InputSize, ImageNetBackbone.InputSize], mode: InterpolationMode.Bilinear, align_corners: false) * 255f;
                parts.Add(backbone.Features(inputs));
            }
        var features = parts.Count > 0 ? cat(parts, 0) : zeros(0, ImageNetBackbone.FeatureLength, device: crops.device);
        return features.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Crops [K, C, side, side] of up to <paramref name="perFrame"/> moving windows of each listed frame, most changing
    /// first, and the position in <paramref name="indices"/> each crop came from.
    /// </summary>
    public static (Tensor Crops, int[] Owners) MovingWindows(Tensor frames, IReadOnlyList<int> indices, int perFrame)
    {
        using var scope = NewDisposeScope();
        long c = frames.shape[1], h = frames.shape[2], w = frames.shape[3];
        var side = h / WindowRows;
        var columns = w / side;
        if (side < 4 || columns < 1) throw new ArgumentException("frames are too small for object windows", nameof(frames));
        using var index = tensor(indices.Select(i => (long)i).ToArray(), device: frames.device);
        using var earlierIndex = tensor(indices.Select(i => (long)Math.Max(0, i - MotionGap)).ToArray(), device: frames.device);
        // Only the listed frames and their motion partners become floats: two frames in ten of a shard when scoring.
        Tensor Pick(Tensor which)
        {
            var picked = frames.index_select(0, which)[.., .., ..(int)(WindowRows * side), ..(int)(columns * side)];
            return picked.dtype == ScalarType.Byte ? picked.to_type(ScalarType.Float32).div_(255f) : picked;
        }
        var current = Pick(index);
        var earlier = Pick(earlierIndex);
        var changed = (current - earlier).abs().amax([1], keepdim: true).gt(ChangeLevel).to_type(ScalarType.Float32);
        var moving = nn.functional.avg_pool2d(changed, [side, side]).flatten(1).cpu().data<float>().ToArray(); // [S * rows * columns]
        var cells = (int)(WindowRows * columns);
        var chosen = new List<long>();
        var owners = new List<int>();
        for (var s = 0; s < indices.Count; s++)
        {
            var ranked = Enumerable.Range(0, cells).Where(k => moving[s * cells + k] >= MovingFraction)
                .OrderByDescending(k => moving[s * cells + k]).Take(perFrame);
            foreach (var k in ranked)
            {
                chosen.Add(s * cells + k);
                owners.Add(s);
            }
        }
        var windows = current.reshape(indices.Count, c, WindowRows, side, columns, side).permute(0, 2, 4, 1, 3, 5).reshape(-1, c, side, side);
        using var pick = tensor(chosen.ToArray(), dtype: ScalarType.Int64, device: frames.device);
        return (windows.index_select(0, pick).MoveToOuterDisposeScope(), owners.ToArray());
    }
}
