using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace STADNet.Model;

/// <summary>
/// Anomalous clips made from normal footage, for the segment head and the margin loss when no
/// labelled anomalies exist, in four kinds drawn equally often (<see cref="TrainingKinds"/>): frames skipped (everything moves
/// two to four times too fast); a foreign patch (a piece of another frame crossing the view faster
/// than anyone walks); one busy place played two to four times too fast while the rest of the view
/// keeps time (a lone walker at a cyclist's or skater's speed); and one busy place magnified about
/// a fixed centre, wider or larger than anything walking there and, being magnified, moving as
/// many times faster (a bicycle or a cart is both). The last two take their content from the same
/// place in the same footage, so there is no foreign background or square edge to spot (a mover
/// can still fade in or out at the feathered edge of the place). When a source is too short for
/// the kind drawn (a held-out tail of 20 to 30 frames fits few large frame skips), another kind is drawn.
/// Reversed clips are not used: on a two-way walkway, footage played backwards is still normal.
/// Three more kinds, a turned object (<see cref="PseudoAnomalyKind.TurnedObject"/>), a patterned object
/// (<see cref="PseudoAnomalyKind.PatternedObject"/>) and a gliding walker (<see cref="PseudoAnomalyKind.GlidingWalker"/>),
/// are made for the held-out check only.
/// Flow is estimated on the altered frames, exactly as for real footage.
/// Disposing releases the still views the cut-out kinds keep of each video.
/// </summary>
public sealed class PseudoAnomalies(ModelSettings settings, IReadOnlyList<Tensor> frames) : IDisposable
{
    /// <summary>Each video's still view (<see cref="Still"/>), made when first needed: a median over a whole video is too slow to redo for every pseudo-anomaly.</summary>
    private readonly Dictionary<int, Tensor> stills = [];

    /// <summary>
    /// The kinds training draws from, equally often. <see cref="PseudoAnomalyKind.TurnedObject"/> and
    /// <see cref="PseudoAnomalyKind.PatternedObject"/> are left out: they judge, in the held-out check, whether the score
    /// sees a new-looking thing that moves at a normal pace, which none of these shows (their content is the footage's
    /// own, changed in speed or size).
    /// </summary>
    public static readonly IReadOnlyList<PseudoAnomalyKind> TrainingKinds =
        [PseudoAnomalyKind.SkippedFrames, PseudoAnomalyKind.ForeignPatch, PseudoAnomalyKind.SpedUpPlace, PseudoAnomalyKind.MagnifiedPlace];

    /// <summary>A range of frames [From, To) of one video that pseudo-anomalies may be cut from.</summary>
    public sealed record Source(int Video, int From, int To);

    /// <summary>
    /// [count, C + 2, T, H, W] anomalous clips of the given kinds (default <see cref="TrainingKinds"/>), drawn equally often;
    /// the video each was made from is added to <paramref name="drawnVideos"/> when given.
    /// </summary>
    public Tensor Make(int count, IReadOnlyList<Source> sources, Random random, IReadOnlyList<PseudoAnomalyKind>? kinds = null,
        ICollection<int>? drawnVideos = null) => Make(count, sources, random, kinds, drawnVideos, glides: false).Clips;

    /// <summary>
    /// As <see cref="Make(int, IReadOnlyList{Source}, Random, IReadOnlyList{PseudoAnomalyKind}?, ICollection{int}?)"/>, with
    /// every clip frame's mover glides [count, T, cells] (<see cref="MoverGlide"/>, cells counted where <paramref name="glideShare"/>
    /// of their pixels move) when <paramref name="glides"/> asks.
    /// </summary>
    public (Tensor Clips, Tensor? Glides) Make(int count, IReadOnlyList<Source> sources, Random random, IReadOnlyList<PseudoAnomalyKind>? kinds,
        ICollection<int>? drawnVideos, bool glides, float glideShare = MoverGlide.DefaultMovingShare)
    {
        using var scope = NewDisposeScope();
        var t = settings.ClipFrames;
        var sequences = Sequences(count, sources, random, kinds, drawnVideos: drawnVideos);
        // One flow pass over all sequences back to back; each sequence's first frame is only context.
        var (all, glide) = ClipBatch.Features(cat(sequences, 0), settings, glides, glideShare);
        var features = all.reshape(count, t + 1, settings.InputChannels, settings.Height, settings.Width);
        var clips = features[.., 1..].permute(0, 2, 1, 3, 4).contiguous().MoveToOuterDisposeScope();
        return (clips, glide?.reshape(count, t + 1, settings.HeatmapCells)[.., 1..].contiguous().MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The ClipFrames + 1 float frames [T + 1, C, H, W] at decode size of <paramref name="count"/> pseudo-anomalies, without
    /// their flow. <see cref="Make"/> draws the same clips from the same random state. The kind of each clip made is
    /// added to <paramref name="drawn"/> when given, and the video it was made from to <paramref name="drawnVideos"/>.
    /// </summary>
    public List<Tensor> Sequences(int count, IReadOnlyList<Source> sources, Random random, IReadOnlyList<PseudoAnomalyKind>? kinds = null,
        ICollection<PseudoAnomalyKind>? drawn = null, ICollection<int>? drawnVideos = null)
    {
        kinds ??= TrainingKinds;
        var sequences = new List<Tensor>(count);
        while (sequences.Count < count)
        {
            var source = sources[random.Next(sources.Count)];
            var kind = kinds[random.Next(kinds.Count)];
            var sequence = Sequence(kind, source, sources, random, out _);
            if (sequence is null) continue;
            sequences.Add(sequence);
            drawn?.Add(kind);
            drawnVideos?.Add(source.Video);
        }
        return sequences;
    }

    /// <summary>
    /// The ClipFrames + 1 float frames [T + 1, C, H, W] of one pseudo-anomaly of the given kind, or
    /// null when the source is too short for it; <paramref name="start"/> is the source frame it
    /// begins at (meaningless when null).
    /// </summary>
    internal Tensor? Sequence(PseudoAnomalyKind kind, Source source, IReadOnlyList<Source> sources, Random random, out int start) => kind switch
    {
        PseudoAnomalyKind.SkippedFrames => Skipped(source, random, out start),
        PseudoAnomalyKind.ForeignPatch => ForeignPatch(source, sources, random, out start),
        PseudoAnomalyKind.SpedUpPlace => SpedUpPlace(source, random, out start),
        PseudoAnomalyKind.MagnifiedPlace => MagnifiedPlace(source, random, out start),
        PseudoAnomalyKind.TurnedObject => TurnedObject(source, sources, random, out start),
        PseudoAnomalyKind.PatternedObject => PatternedObject(source, sources, random, out start),
        PseudoAnomalyKind.GlidingWalker => GlidingWalker(source, sources, random, out start),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown pseudo-anomaly kind"),
    };

    /// <summary>ClipFrames + 1 frames taken every second to fourth frame from a random start.</summary>
    private Tensor? Skipped(Source source, Random random, out int start)
    {
        start = source.From;
        var step = random.Next(2, 5);
        var span = settings.ClipFrames * step + 1;
        if (source.To - source.From < span) return null;
        var first = start = source.From + random.Next(source.To - source.From - span + 1);
        var indices = Enumerable.Range(0, settings.ClipFrames + 1).Select(i => (long)(first + i * step)).ToArray();
        using var index = tensor(indices);
        return Float(frames[source.Video].index_select(0, index));
    }

    /// <summary>ClipFrames + 1 consecutive frames from a random start.</summary>
    private Tensor? NormalClip(Source source, Random random, out int start)
    {
        start = source.From;
        var length = settings.ClipFrames + 1;
        if (source.To - source.From < length) return null;
        start = source.From + random.Next(source.To - source.From - length + 1);
        return Float(frames[source.Video][start..(start + length)]);
    }

    private Tensor? ForeignPatch(Source source, IReadOnlyList<Source> sources, Random random, out int start)
    {
        var clip = NormalClip(source, random, out start);
        if (clip is null) return null;
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
        Cross(clip, patch, mask, x0, y0, vx, vy);
        return clip;
    }

    /// <summary>
    /// Pastes the feathered patch [1, C, ph, pw] along a path from (x0, y0) at (vx, vy) pixels a frame, bouncing off
    /// the edges: frame i gets it at the path's i-th position.
    /// </summary>
    private static void Cross(Tensor clip, Tensor patch, Tensor mask, double x0, double y0, double vx, double vy)
    {
        long h = clip.shape[2], w = clip.shape[3];
        int ph = (int)patch.shape[2], pw = (int)patch.shape[3];
        for (var i = 0; i < clip.shape[0]; i++)
        {
            var x = (int)Math.Round(Reflect(x0 + vx * i, w - pw));
            var y = (int)Math.Round(Reflect(y0 + vy * i, h - ph));
            var region = clip[i..(i + 1), .., y..(y + ph), x..(x + pw)];
            clip[i..(i + 1), .., y..(y + ph), x..(x + pw)] = region * (1 - mask) + patch * mask;
        }
    }

    /// <summary>
    /// A normal clip crossed at walking pace (0.5 to 1.5 decode pixels a frame at the default scale) by what stands in a
    /// walker-sized place of another held-out frame where someone stands (<see cref="StandingPlace"/>, <see cref="Outline"/>), turned a quarter turn: as wide as a walker
    /// is tall, like a bicycle or a cart, but made of the footage's own texture, so only its shape is new.
    /// </summary>
    private Tensor? TurnedObject(Source source, IReadOnlyList<Source> sources, Random random, out int start)
    {
        if (ClipAndWalkerPlace(source, sources, random, out start) is not var (clip, place, outline)) return null;
        // Turned a quarter turn, clockwise or anticlockwise: [1, C, pw, ph].
        var side = random.Next(2) == 0 ? 2 : 3;
        var turned = place.transpose(2, 3).flip(side);
        if (turned.shape[3] > settings.DecodeWidth || turned.shape[2] > settings.DecodeHeight) return null;
        CrossAtWalkingPace(clip, turned, outline.transpose(2, 3).flip(side), random);
        return clip;
    }

    /// <summary>
    /// A normal clip crossed at walking pace by what stands in a walker-sized place of another held-out frame where someone stands (<see cref="StandingPlace"/>), as it is
    /// (<see cref="Outline"/>): someone carried along in one pose, of a normal look, shape and pace, whose legs do not swing.
    /// </summary>
    private Tensor? GlidingWalker(Source source, IReadOnlyList<Source> sources, Random random, out int start)
    {
        if (ClipAndWalkerPlace(source, sources, random, out start) is not var (clip, place, outline)) return null;
        CrossAtWalkingPace(clip, place, outline, random);
        return clip;
    }

    /// <summary>
    /// A normal clip crossed at walking pace by what stands in a walker-sized place of another held-out frame where someone stands (<see cref="StandingPlace"/>), striped across,
    /// striped down or checked, with a contrast of 0.15 to 0.3, in a period of <see cref="ModelSettings.DecodeScale"/>
    /// pixels. One period is one network pixel, so the network's averaged input barely changes, while at the object
    /// size (twice the decode size) the stripes are two pixels wide: new detail on a thing of a normal shape and pace.
    /// </summary>
    private Tensor? PatternedObject(Source source, IReadOnlyList<Source> sources, Random random, out int start)
    {
        if (ClipAndWalkerPlace(source, sources, random, out start) is not var (clip, place, outline)) return null;
        int ph = (int)place.shape[2], pw = (int)place.shape[3];
        // Stripes half a network pixel wide (at least one pixel): at an even DecodeScale (2 by default, 4 at the object
        // size) any DecodeScale adjacent pixels hold as many light as dark ones wherever the place lands, so they average
        // away. At scale 1 (inputs of 192x128 and more) the network sees every pixel, and at 3 a third of one stays.
        var stripe = Math.Max(1, settings.DecodeScale / 2);
        var style = random.Next(3);
        var pattern = new float[ph * pw];
        for (var y = 0; y < ph; y++)
        for (var x = 0; x < pw; x++)
        {
            var a = y / stripe % 2;
            var b = x / stripe % 2;
            pattern[y * pw + x] = (style switch { 0 => a, 1 => b, _ => a ^ b }) == 0 ? -1f : 1f;
        }
        var contrast = (float)(0.15 + 0.15 * random.NextDouble());
        // At whole pixels: resampled at a fraction of a pixel, one-pixel stripes would blur into the grey they average to.
        CrossAtWalkingPace(clip, (place + torch.tensor(pattern, [1, 1, ph, pw], device: clip.device) * contrast).clamp(0, 1), outline, random, wholePixels: true);
        return clip;
    }

    /// <summary>
    /// A normal clip from <paramref name="source"/>, a walker-sized place [1, C, ph, pw] (0.15 to 0.3 of the view tall,
    /// 0.4 to 0.7 as wide as tall) where something stands in the middle frame of a clip of a held-out source
    /// (<see cref="StandingPlace"/>), and the outline [1, 1, ph, pw] of what stands there (<see cref="Outline"/>); null when
    /// either source is too short.
    /// </summary>
    private (Tensor Clip, Tensor Place, Tensor Outline)? ClipAndWalkerPlace(Source source, IReadOnlyList<Source> sources, Random random, out int start)
    {
        var clip = NormalClip(source, random, out start);
        if (clip is null) return null;
        var donorSource = sources[random.Next(sources.Count)];
        var donor = NormalClip(donorSource, random, out _);
        if (donor is null) return null;
        var ph = Math.Max(2, (int)(settings.DecodeHeight * (0.15 + 0.15 * random.NextDouble())));
        var pw = Math.Max(2, (int)(ph * (0.4 + 0.3 * random.NextDouble())));
        var middle = donor[(settings.ClipFrames + 1) / 2].unsqueeze(0);
        var standing = Standing(middle, Still(donorSource.Video));
        var (py, px) = StandingPlace(standing, ph, pw, random);
        return (clip, middle[.., .., py..(py + ph), px..(px + pw)], Outline(standing[.., .., py..(py + ph), px..(px + pw)]));
    }

    /// <summary>
    /// A video as it shows most of the time [1, C, H, W]: each pixel's median over the video (the camera is fixed and
    /// people move on). Kept until disposed.
    /// </summary>
    private Tensor Still(int video)
    {
        if (stills.TryGetValue(video, out var still)) return still;
        using (NewDisposeScope())
        {
            var footage = frames[video];
            still = Float(footage.sort(0).Values[footage.shape[0] / 2]).unsqueeze(0).DetachFromDisposeScope();
        }
        stills[video] = still;
        return still;
    }

    public void Dispose()
    {
        foreach (var still in stills.Values) still.Dispose();
        stills.Clear();
    }

    /// <summary>
    /// Top-left corner of a place of the given size where someone stands in a frame, given how surely each of its pixels
    /// stands apart from the still view, <paramref name="standing"/> [1, 1, H, W] (<see cref="Standing"/>): drawn with
    /// probability in proportion to how much of the place does, then centred on what stands in it, twice over, so it holds a whole walker rather than half
    /// of one at the edge. A place chosen by change between a clip's first and last frames may show nobody in its middle
    /// frame (a walker who has just left), and cut out of it, a pseudo-anomaly would carry nothing.
    /// </summary>
    private (int Y, int X) StandingPlace(Tensor standing, int ph, int pw, Random random)
    {
        using var scope = NewDisposeScope();
        var (y, x) = Draw(functional.avg_pool2d(standing, [ph, pw], [PlaceStride, PlaceStride]), PlaceStride, random);
        int h = (int)standing.shape[2], w = (int)standing.shape[3];
        var sure = standing.flatten().cpu().data<float>().ToArray();
        for (var pass = 0; pass < 2; pass++)
        {
            double mass = 0, sy = 0, sx = 0;
            for (var i = y; i < y + ph; i++)
            for (var j = x; j < x + pw; j++)
            {
                var s = sure[i * w + j];
                (mass, sy, sx) = (mass + s, sy + s * i, sx + s * j);
            }
            if (mass <= 0) break;
            y = Math.Clamp((int)Math.Round(sy / mass - (ph - 1) / 2.0), 0, h - ph);
            x = Math.Clamp((int)Math.Round(sx / mass - (pw - 1) / 2.0), 0, w - pw);
        }
        return (y, x);
    }

    /// <summary>Least change from the still view, in 0..1 grey, that a pixel of a mover shows; twice it is surely one.</summary>
    private const float OutlineContrast = 0.06f;

    /// <summary>
    /// Where something stands in a place (1, fading to 0 where only the ground shows): the pixels of <paramref name="standing"/>
    /// [1, 1, h, w] that differ from the place as its video shows it most of the time (<see cref="Standing"/>, <see cref="Still"/>),
    /// softened over about a network pixel. A thing crossing the view
    /// brings only itself; the ground it stood on, carried along, is what no real mover brings, and a tell the score need
    /// not look for a mover to see.
    /// </summary>
    private Tensor Outline(Tensor standing)
    {
        using var scope = NewDisposeScope();
        var reach = settings.DecodeScale + 1 - settings.DecodeScale % 2; // odd: centred
        return functional.avg_pool2d(standing, reach, 1, reach / 2, count_include_pad: false).MoveToOuterDisposeScope();
    }

    /// <summary>How surely each pixel of <paramref name="frame"/> [1, C, h, w] shows a mover [1, 1, h, w]: 0 up to <see cref="OutlineContrast"/> from the still view, 1 from twice it.</summary>
    private static Tensor Standing(Tensor frame, Tensor still)
    {
        var difference = (frame - still).abs().mean([1], keepdim: true);
        return ((difference - OutlineContrast) / OutlineContrast).clamp(0, 1);
    }

    /// <summary>
    /// Pastes <paramref name="thing"/> [1, C, h, w], within its <paramref name="outline"/> [1, 1, h, w] and feathered so no
    /// square edge gives it away, into every frame of <paramref name="clip"/> along a straight path from a random place in a
    /// random direction at walking pace (0.5 to 1.5 decode pixels a frame at the default scale), bouncing off the edges; at
    /// sub-pixel positions unless <paramref name="wholePixels"/> asks (see <see cref="Glide"/>).
    /// </summary>
    private void CrossAtWalkingPace(Tensor clip, Tensor thing, Tensor outline, Random random, bool wholePixels = false)
    {
        int th = (int)thing.shape[2], tw = (int)thing.shape[3];
        var mask = Feather(th, tw, clip.device, Math.Max(3f, Math.Min(th, tw) / 5f)) * outline;
        var speed = (0.5 + random.NextDouble()) * settings.DecodeScale / 2.0;
        var angle = random.NextDouble() * 2 * Math.PI;
        double vx = speed * Math.Cos(angle), vy = speed * Math.Sin(angle);
        double x0 = random.NextDouble() * (settings.DecodeWidth - tw - 2), y0 = random.NextDouble() * (settings.DecodeHeight - th - 2);
        // A thing as wide or tall as the view (tiny settings) leaves no room for a fraction of a pixel.
        if (wholePixels || tw + 2 > settings.DecodeWidth || th + 2 > settings.DecodeHeight) Cross(clip, thing, mask, Math.Max(0, x0), Math.Max(0, y0), vx, vy);
        else Glide(clip, thing, mask, x0, y0, vx, vy);
    }

    /// <summary>
    /// As <see cref="Cross"/>, at sub-pixel positions (bilinear): at walking pace a thing pasted at whole pixels would
    /// stand still on some frames and jump on others, which nothing real that moves does.
    /// </summary>
    internal static void Glide(Tensor clip, Tensor thing, Tensor mask, double x0, double y0, double vx, double vy)
    {
        long h = clip.shape[2], w = clip.shape[3];
        int th = (int)thing.shape[2], tw = (int)thing.shape[3];
        // A pixel of nothing around it, for the fraction of a pixel it has moved into (sampling beyond it repeats the nothing).
        var paddedMask = functional.pad(mask.expand(1, 1, th, tw), [1, 1, 1, 1]);
        var paddedThing = functional.pad(thing * mask, [1, 1, 1, 1]); // weighted by its mask, so both shift alike
        for (var i = 0; i < clip.shape[0]; i++)
        {
            using var scope = NewDisposeScope();
            // (x, y) is where the padded thing's corner goes: the thing itself lands one pixel further on.
            double x = Reflect(x0 + vx * i, w - tw - 2), y = Reflect(y0 + vy * i, h - th - 2);
            int xi = (int)Math.Floor(x), yi = (int)Math.Floor(y);
            var shift = zeros(1, 2, th + 2, tw + 2, device: clip.device);
            shift[.., 0] = (float)(xi - x);
            shift[.., 1] = (float)(yi - y);
            var part = Modules.OpticalFlow.Warp(paddedThing, shift);
            var cover = Modules.OpticalFlow.Warp(paddedMask, shift);
            var region = clip[i..(i + 1), .., yi..(yi + th + 2), xi..(xi + tw + 2)];
            clip[i..(i + 1), .., yi..(yi + th + 2), xi..(xi + tw + 2)] = region * (1 - cover) + part;
        }
    }

    /// <summary>A normal clip with one busy place replaced by the same place played two to four times too fast.</summary>
    private Tensor? SpedUpPlace(Source source, Random random, out int start)
    {
        var fast = Skipped(source, random, out start);
        if (fast is null) return null;
        var clip = Float(frames[source.Video][start..(start + settings.ClipFrames + 1)]);
        long h = settings.DecodeHeight, w = settings.DecodeWidth;
        var ph = Math.Max(2, (int)(h * (0.15 + 0.15 * random.NextDouble())));
        var pw = Math.Max(2, Math.Min((int)(ph * (0.8 + 0.7 * random.NextDouble())), (int)w / 2));
        var (y, x) = BusyPlace(fast, ph, pw, PlaceStride, random);
        var mask = PlaceMask(y, x, y + ph, x + pw, Math.Max(3f, Math.Min(ph, pw) / 4f), clip.device);
        return clip * (1 - mask) + fast * mask;
    }

    /// <summary>
    /// A normal clip with one busy place magnified about its centre: 1.6 to 2.4 times wider, and
    /// either as tall as before (a wide thing, like a bicycle or a cart seen from the side) or
    /// nearly as much taller (a big thing).
    /// </summary>
    private Tensor? MagnifiedPlace(Source source, Random random, out int start)
    {
        var clip = NormalClip(source, random, out start);
        if (clip is null) return null;
        long h = settings.DecodeHeight, w = settings.DecodeWidth;
        var oh = Math.Max(2, (int)(h * (0.1 + 0.1 * random.NextDouble())));
        var ow = Math.Max(2, (int)(oh * (0.6 + 0.4 * random.NextDouble())));
        var (y, x) = BusyPlace(clip, oh, ow, PlaceStride, random);
        var sx = 1.6 + 0.8 * random.NextDouble();
        var sy = random.NextDouble() < 0.5 ? 1.0 : sx * (0.7 + 0.3 * random.NextDouble());
        double cx = x + ow / 2.0, cy = y + oh / 2.0;
        var magnified = Magnify(clip, cx, cy, sx, sy);
        int mh = (int)Math.Round(oh * sy), mw = (int)Math.Round(ow * sx);
        int top = (int)Math.Clamp(Math.Round(cy - mh / 2.0), 0, h - 1), left = (int)Math.Clamp(Math.Round(cx - mw / 2.0), 0, w - 1);
        int bottom = (int)Math.Min(h, top + mh), right = (int)Math.Min(w, left + mw);
        var mask = PlaceMask(top, left, bottom, right, Math.Max(3f, Math.Min(mh, mw) / 5f), clip.device);
        return clip * (1 - mask) + magnified * mask;
    }

    /// <summary>Frames [N, C, H, W] magnified sx times across and sy times down about the point (cx, cy), in pixels.</summary>
    internal static Tensor Magnify(Tensor frames, double cx, double cy, double sx, double sy)
    {
        long n = frames.shape[0], h = frames.shape[2], w = frames.shape[3];
        // Output pixel p shows the frame at c + (p − c) / s, in grid_sample's −1..1 coordinates (pixel centres).
        double nx = (2 * cx) / w - 1, ny = (2 * cy) / h - 1;
        var theta = tensor(new float[] { (float)(1 / sx), 0, (float)(nx * (1 - 1 / sx)), 0, (float)(1 / sy), (float)(ny * (1 - 1 / sy)) }, device: frames.device)
            .view(1, 2, 3).expand(n, 2, 3);
        var grid = functional.affine_grid(theta, [n, frames.shape[1], h, w], align_corners: false);
        return functional.grid_sample(frames, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Border, align_corners: false);
    }

    /// <summary>
    /// Step between candidate busy places: 4 decode pixels at the default decode scale, and in proportion at
    /// others, so the same random draw picks the same place when the clips are remade larger.
    /// </summary>
    private int PlaceStride => 2 * settings.DecodeScale;

    /// <summary>
    /// Top-left corner of a place of the given size where the clip changes between its first and
    /// last frame, drawn with probability in proportion to how much it changes there: where people
    /// walk, seldom bare ground, and not always the same busiest place.
    /// </summary>
    private static (int Y, int X) BusyPlace(Tensor clip, int ph, int pw, int stride, Random random)
    {
        using var scope = NewDisposeScope();
        var change = (clip[^1] - clip[0]).abs().sum([0]).unsqueeze(0).unsqueeze(0);
        return Draw(functional.avg_pool2d(change, [ph, pw], [stride, stride]), stride, random);
    }

    /// <summary>
    /// Top-left corner of one of the places whose weights <paramref name="pooled"/> [1, 1, rows, columns] holds, a
    /// <paramref name="stride"/> apart, drawn with probability in proportion to its weight (any, alike, when all are 0).
    /// </summary>
    private static (int Y, int X) Draw(Tensor pooled, int stride, Random random)
    {
        long columns = pooled.shape[3];
        var weights = pooled.flatten().cpu().data<float>().ToArray();
        var total = weights.Sum(w => (double)w);
        var pick = random.NextDouble() * total;
        var index = 0;
        double sum = weights[0];
        while (sum < pick && index < weights.Length - 1) sum += weights[++index];
        if (total <= 0) index = random.Next(weights.Length);
        return ((int)(index / columns) * stride, (int)(index % columns) * stride);
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

    /// <summary>[1, 1, H, W] mask at decode size: the feathered rectangle [top, bottom) x [left, right), zero elsewhere.</summary>
    private Tensor PlaceMask(int top, int left, int bottom, int right, float edge, Device device)
    {
        var mask = zeros(1, 1, settings.DecodeHeight, settings.DecodeWidth, device: device);
        mask[.., .., top..bottom, left..right] = Feather(bottom - top, right - left, device, edge);
        return mask;
    }

    private static Tensor Feather(int h, int w, Device device, float edge = 3f)
    {
        var ys = arange(h, dtype: ScalarType.Float32, device: device);
        var xs = arange(w, dtype: ScalarType.Float32, device: device);
        var fy = minimum(ys + 1, h - ys).div(edge).clamp(0, 1).view(h, 1);
        var fx = minimum(xs + 1, w - xs).div(edge).clamp(0, 1).view(1, w);
        return (fy * fx).view(1, 1, h, w);
    }
}
