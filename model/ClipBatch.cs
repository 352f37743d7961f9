using STADNet.Model.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace STADNet.Model;

/// <summary>
/// Turns decoded frames into network input: per frame the appearance channels at network size and
/// the dense optical flow from the previous frame, estimated at decode size and pooled down, then
/// cut into clips of <see cref="ModelSettings.ClipFrames"/>.
/// </summary>
public static class ClipBatch
{
    /// <summary>Flow is stored in half-pixels of the network input, so walkers sit near 1 like the appearance values.</summary>
    public const float FlowGain = 2f;

    /// <summary>Frame pairs per optical-flow pass, so memory stays flat however long the shard.</summary>
    private const int FlowPairsPerPass = 32;

    [ThreadStatic] private static OpticalFlow? flowEstimator;

    /// <summary>Decoded bytes [N, H, W, C] at decode size to float frames [N, C, H, W] in 0..1.</summary>
    public static Tensor Frames(ReadOnlySpan<byte> pixels, int frameCount, ModelSettings settings, Device? device = null)
    {
        using var scope = NewDisposeScope();
        return Bytes(pixels, frameCount, settings, device).to_type(ScalarType.Float32).div_(255f).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Decoded bytes [N, H, W, C] at decode size as a byte tensor [N, C, H, W] (a permuted view), for callers that convert only some frames.</summary>
    public static Tensor Bytes(ReadOnlySpan<byte> pixels, int frameCount, ModelSettings settings, Device? device = null)
    {
        if (frameCount < 1) throw new ArgumentException("at least one frame is needed", nameof(frameCount));
        TorchRuntime.EnsureInitialised();
        if (pixels.Length < frameCount * settings.BytesPerFrame) throw new ArgumentException("pixel buffer shorter than the frames it claims", nameof(pixels));
        using var scope = NewDisposeScope();
        var raw = tensor(pixels[..(frameCount * settings.BytesPerFrame)].ToArray(),
            [frameCount, settings.DecodeHeight, settings.DecodeWidth, settings.ImageChannels], dtype: ScalarType.Byte);
        if (device is not null) raw = raw.to(device);
        return raw.permute(0, 3, 1, 2).MoveToOuterDisposeScope();
    }

    /// <summary>Per-frame features [N, C + 2, H, W]. The first frame has no earlier one: its flow is the second frame's (see <see cref="Features(Tensor, ModelSettings, bool)"/>).</summary>
    public static Tensor Features(ReadOnlySpan<byte> pixels, int frameCount, ModelSettings settings, Device? device = null)
    {
        using var scope = NewDisposeScope();
        return Features(Frames(pixels, frameCount, settings, device), settings).MoveToOuterDisposeScope();
    }

    /// <summary>Per-frame features [N, C + 2, H, W] from float frames [N, C, decode H, decode W] in 0..1.</summary>
    public static Tensor Features(Tensor frames, ModelSettings settings) => Features(frames, settings, glides: false).Features;

    /// <summary>
    /// Per-frame features and, when <paramref name="glides"/> asks, every patch cell's glide [N, cells] (<see cref="MoverGlide"/>,
    /// cells counted where <paramref name="glideShare"/> of their pixels move), measured on the same flow at decode size. The first frame has no earlier frame to measure motion against, so it takes
    /// the second frame's flow and glides: with none, the first second of every video scanned would look still, and a
    /// still view of as many people as a busy one looks novel (<see cref="CrowdCalibration"/>). Training and the held-out
    /// check use the first frame as context only.
    /// </summary>
    public static (Tensor Features, Tensor? Glides) Features(Tensor frames, ModelSettings settings, bool glides, float glideShare = MoverGlide.DefaultMovingShare)
    {
        using var scope = NewDisposeScope();
        var n = frames.shape[0];
        var luminance = frames.shape[1] == 1 ? frames : frames.mean([1], keepdim: true);
        var flow = zeros(n, 2, frames.shape[2], frames.shape[3], dtype: frames.dtype, device: frames.device);
        flowEstimator ??= new OpticalFlow();
        var glide = glides ? zeros(n, settings.HeatmapCells, dtype: frames.dtype, device: frames.device) : null;
        for (var from = 1; from < n; from += FlowPairsPerPass)
        {
            using var pass = NewDisposeScope();
            var to = (int)Math.Min(n, from + FlowPairsPerPass);
            flow[from..to] = flowEstimator.forward(luminance[(from - 1)..(to - 1)], luminance[from..to]);
            if (glide is not null) glide[from..to] = MoverGlide.Cells(luminance[(from - 1)..(to - 1)], luminance[from..to], flow[from..to], settings.PatchSize * settings.DecodeScale, glideShare);
        }
        if (n > 1)
        {
            flow[0] = flow[1];
            if (glide is not null) glide[0] = glide[1];
        }
        var scale = settings.DecodeScale;
        var motion = scale == 1 ? flow * FlowGain : nn.functional.avg_pool2d(flow, scale) * (FlowGain / scale);
        var small = scale == 1 ? frames : nn.functional.avg_pool2d(frames, scale);
        var appearance = (small - 0.5f) * 2f;
        return (cat([appearance, motion], 1).contiguous().MoveToOuterDisposeScope(), glide?.MoveToOuterDisposeScope());
    }

    /// <summary>Start offsets of clips covering <paramref name="frames"/> frames: back to back, the last one flush with the end.</summary>
    public static IReadOnlyList<int> ClipStarts(int frames, int clipFrames)
    {
        var starts = new List<int>();
        for (var s = 0; s + clipFrames <= frames; s += clipFrames) starts.Add(s);
        var last = Math.Max(0, frames - clipFrames);
        if (starts.Count == 0 || starts[^1] != last) starts.Add(last);
        return starts;
    }

    /// <summary>Stacks clips [B, C + 2, T, H, W] of several videos' per-frame features, each clip a (video, first frame) pair.</summary>
    public static Tensor Gather(IReadOnlyList<Tensor> features, IEnumerable<(int Video, int Start)> clips, int clipFrames)
    {
        using var scope = NewDisposeScope();
        var parts = clips.Select(c => features[c.Video][c.Start..(c.Start + clipFrames)]).ToArray();
        return stack(parts, 0).permute(0, 2, 1, 3, 4).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Stacks clips [B, C + 2, T, H, W] from per-frame features, repeating the last frame when fewer than T exist.</summary>
    public static Tensor Clips(Tensor features, IReadOnlyList<int> starts, int clipFrames)
    {
        using var scope = NewDisposeScope();
        var n = features.shape[0];
        if (n < clipFrames)
        {
            var pad = features[(int)(n - 1)..(int)n].expand(clipFrames - n, -1, -1, -1);
            features = cat([features, pad], 0);
        }
        var clips = starts.Select(s => features[s..(s + clipFrames)]).ToArray();
        return stack(clips, 0).permute(0, 2, 1, 3, 4).contiguous().MoveToOuterDisposeScope();
    }
}
