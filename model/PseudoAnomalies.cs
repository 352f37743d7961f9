using TorchSharp;
using static TorchSharp.torch;

namespace STADNet.Model;

/// <summary>
/// Anomalous clips made from normal footage, for the segment head and the margin loss when no
/// labelled anomalies exist: frames skipped (everything moves two to four times too fast) and
/// foreign patches (a piece of another frame crossing the view faster than anyone walks).
/// Reversed clips are not used: on a two-way walkway, footage played backwards is still normal.
/// Flow is estimated on the altered frames, exactly as for real footage.
/// </summary>
public sealed class PseudoAnomalies(ModelSettings settings, IReadOnlyList<Tensor> frames)
{
    /// <summary>A range of frames [From, To) of one video that pseudo-anomalies may be cut from.</summary>
    public sealed record Source(int Video, int From, int To);

    /// <summary>[count, C + 2, T, H, W] anomalous clips.</summary>
    public Tensor Make(int count, IReadOnlyList<Source> sources, Random random)
    {
        using var scope = NewDisposeScope();
        var t = settings.ClipFrames;
        var sequences = new List<Tensor>(count);
        while (sequences.Count < count)
        {
            var source = sources[random.Next(sources.Count)];
            var sequence = random.NextDouble() < 0.5 ? Skipped(source, random) : ForeignPatch(source, sources, random);
            if (sequence is not null) sequences.Add(sequence);
        }
        // One flow pass over all sequences back to back; each sequence's first frame is only context.
        var features = ClipBatch.Features(cat(sequences, 0), settings).reshape(count, t + 1, settings.InputChannels, settings.Height, settings.Width);
        return features[.., 1..].permute(0, 2, 1, 3, 4).contiguous().MoveToOuterDisposeScope();
    }

    private Tensor? Skipped(Source source, Random random)
    {
        var step = random.Next(2, 5);
        var span = settings.ClipFrames * step + 1;
        if (source.To - source.From < span) return null;
        var start = source.From + random.Next(source.To - source.From - span + 1);
        var indices = Enumerable.Range(0, settings.ClipFrames + 1).Select(i => (long)(start + i * step)).ToArray();
        using var index = tensor(indices);
        return Float(frames[source.Video].index_select(0, index));
    }

    private Tensor? ForeignPatch(Source source, IReadOnlyList<Source> sources, Random random)
    {
        var length = settings.ClipFrames + 1;
        if (source.To - source.From < length) return null;
        var start = source.From + random.Next(source.To - source.From - length + 1);
        var clip = Float(frames[source.Video][start..(start + length)]).clone();
        long h = settings.DecodeHeight, w = settings.DecodeWidth;

        // The intruder: a patch of some other frame, somewhere else, feathered so its square edge is not the tell.
        var donor = sources[random.Next(sources.Count)];
        var donorFrame = donor.From + random.Next(Math.Max(1, donor.To - donor.From));
        var ph = (int)(h * (0.12 + 0.2 * random.NextDouble()));
        var pw = (int)(ph * (0.6 + 0.8 * random.NextDouble()));
        pw = Math.Min(pw, (int)w / 2);
        var py = random.Next((int)h - ph + 1);
        var px = random.Next((int)w - pw + 1);
        var patch = Float(frames[donor.Video][donorFrame..(donorFrame + 1)])[.., .., py..(py + ph), px..(px + pw)];
        var mask = Feather(ph, pw, clip.device);

        // Faster than a walker: 2.5 to 6 decode pixels per frame (a walker makes about one).
        var speed = (2.5 + 3.5 * random.NextDouble()) * settings.DecodeScale / 2.0;
        var angle = random.NextDouble() * 2 * Math.PI;
        double vx = speed * Math.Cos(angle), vy = speed * Math.Sin(angle);
        double x0 = random.Next((int)w - pw + 1), y0 = random.Next((int)h - ph + 1);
        for (var i = 0; i < length; i++)
        {
            var x = (int)Math.Round(Reflect(x0 + vx * i, w - pw));
            var y = (int)Math.Round(Reflect(y0 + vy * i, h - ph));
            var region = clip[.., .., y..(y + ph), x..(x + pw)];
            clip[.., .., y..(y + ph), x..(x + pw)] = region * (1 - mask) + patch * mask;
        }
        return clip;
    }

    private static Tensor Float(Tensor bytes) => bytes.to_type(ScalarType.Float32) / 255f;

    /// <summary>Keeps a moving position inside [0, limit] by bouncing off the edges.</summary>
    private static double Reflect(double position, double limit)
    {
        if (limit <= 0) return 0;
        var period = 2 * limit;
        var p = ((position % period) + period) % period;
        return p <= limit ? p : period - p;
    }

    private static Tensor Feather(int h, int w, Device device)
    {
        const float edge = 3f;
        var ys = arange(h, dtype: ScalarType.Float32, device: device);
        var xs = arange(w, dtype: ScalarType.Float32, device: device);
        var fy = minimum(ys + 1, h - ys).div(edge).clamp(0, 1).view(h, 1);
        var fx = minimum(xs + 1, w - xs).div(edge).clamp(0, 1).view(1, w);
        return (fy * fx).view(1, 1, h, w);
    }
}
