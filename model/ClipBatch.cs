using TorchSharp;
using static TorchSharp.torch;

namespace STADNet.Model;

/// <summary>
/// Turns decoded frames into network input: per frame an appearance channel group and a motion
/// group (difference to the previous frame), cut into clips of <see cref="ModelSettings.ClipFrames"/>.
/// </summary>
public static class ClipBatch
{
    private const float MotionGain = 4f;

    /// <summary>Per-frame features [N, 2C, H, W]. The first frame's motion is zero unless a context frame precedes it.</summary>
    public static Tensor Features(ReadOnlySpan<byte> pixels, int frameCount, ModelSettings settings, Device? device = null)
    {
        if (frameCount < 1) throw new ArgumentException("at least one frame is needed", nameof(frameCount));
        TorchRuntime.EnsureInitialised();
        if (pixels.Length < frameCount * settings.BytesPerFrame) throw new ArgumentException("pixel buffer shorter than the frames it claims", nameof(pixels));
        using var scope = NewDisposeScope();
        var raw = tensor(pixels[..(frameCount * settings.BytesPerFrame)].ToArray(),
            [frameCount, settings.Height, settings.Width, settings.ImageChannels], dtype: ScalarType.Byte);
        if (device is not null) raw = raw.to(device);
        var frames = raw.to_type(ScalarType.Float32).div_(255f).permute(0, 3, 1, 2);
        var previous = frameCount > 1 ? cat([frames[..1], frames[..(frameCount - 1)]], 0) : frames;
        var motion = (frames - previous) * MotionGain;
        var appearance = (frames - 0.5f) * 2f;
        return cat([appearance, motion], 1).contiguous().MoveToOuterDisposeScope();
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

    /// <summary>Stacks clips [B, 2C, T, H, W] from per-frame features, repeating the last frame when fewer than T exist.</summary>
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
