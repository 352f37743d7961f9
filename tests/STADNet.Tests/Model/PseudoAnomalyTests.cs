using STADNet.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace STADNet.Tests.Model;

public sealed class PseudoAnomalyTests
{
    private static readonly ModelSettings Settings = new();

    [Fact]
    public async Task Skipped_frames_make_the_whole_view_move_too_fast()
    {
        var changes = await Changes(PseudoAnomalyKind.SkippedFrames);
        // The first frame is the clip's own; after it the walker is further on than at normal speed.
        Assert.All(changes, c => Assert.True(!c.First && c.Last, $"first frame changed {c.First}, last {c.Last}"));
    }

    [Theory]
    [InlineData(PseudoAnomalyKind.SpedUpPlace, 0.30, 0.30)]
    [InlineData(PseudoAnomalyKind.MagnifiedPlace, 0.48, 0.33)]
    public async Task A_local_pseudo_anomaly_changes_one_place_and_leaves_the_rest_of_the_view_in_time(
        PseudoAnomalyKind kind, double maxHeight, double maxWidth)
    {
        var changes = await Changes(kind);
        // Outside one place of bounded size the clip is exactly the normal footage it came from: a
        // change covering both walkers (rows 20 to 112) would be the whole view altered.
        Assert.All(changes, c => Assert.True(c.Height <= maxHeight * Settings.DecodeHeight && c.Width <= maxWidth * Settings.DecodeWidth,
            $"changed area {c.Height}x{c.Width} px"));
        Assert.All(changes, c => Assert.True(c.Last, "the clip was not changed"));
    }

    [Fact]
    public async Task A_turned_object_is_wider_than_tall_and_crosses_the_view_at_walking_pace()
    {
        var draws = await FrameBoxes(PseudoAnomalyKind.TurnedObject);
        Assert.True(draws.Count >= 8, $"{draws.Count} of 10 draws made a clip");
        // A walker-shaped place (taller than wide) turned on its side; its feathered rim may not differ everywhere.
        Assert.All(draws, d => Assert.True(d[0].W > d[0].H, $"changed area {d[0].H}x{d[0].W} px is not wider than tall"));
        // At most 1.5 decode pixels a frame over the clip's frames: a walker's pace, not a cyclist's.
        var moved = draws.Select(d => Distance(d[0], d[^1])).ToList();
        Assert.All(moved, m => Assert.True(m <= 1.5 * Settings.ClipFrames + 2, $"moved {m:F1} px in {Settings.ClipFrames} frames"));
        // It moves: each frame shows it once, where it is then, not a still trail of its whole path.
        Assert.True(moved.Count(m => m >= 2) >= moved.Count - 2, $"moved {string.Join(", ", moved.Select(m => m.ToString("F1")))} px");
        Assert.DoesNotContain(PseudoAnomalyKind.TurnedObject, PseudoAnomalies.TrainingKinds);
    }

    [Fact]
    public async Task A_gliding_walker_is_walker_shaped_and_crosses_the_view_at_walking_pace_in_one_pose()
    {
        var draws = await FrameBoxes(PseudoAnomalyKind.GlidingWalker);
        Assert.True(draws.Count >= 8, $"{draws.Count} of 10 draws made a clip");
        // A walker-sized place as it is: taller than wide, unlike the turned object.
        Assert.All(draws, d => Assert.True(d[0].H > d[0].W, $"changed area {d[0].H}x{d[0].W} px is not taller than wide"));
        var moved = draws.Select(d => Distance(d[0], d[^1])).ToList();
        Assert.All(moved, m => Assert.True(m <= 1.5 * Settings.ClipFrames + 2, $"moved {m:F1} px in {Settings.ClipFrames} frames"));
        Assert.True(moved.Count(m => m >= 2) >= moved.Count - 2, $"moved {string.Join(", ", moved.Select(m => m.ToString("F1")))} px");
        Assert.DoesNotContain(PseudoAnomalyKind.GlidingWalker, PseudoAnomalies.TrainingKinds);
    }

    [Theory]
    [InlineData(PseudoAnomalyKind.GlidingWalker)]
    [InlineData(PseudoAnomalyKind.TurnedObject)]
    [InlineData(PseudoAnomalyKind.PatternedObject)]
    public async Task A_thing_crossing_at_walking_pace_brings_only_itself_not_the_ground_it_stood_on(PseudoAnomalyKind kind)
    {
        // The footage's walkers are 12x6 pixels on a textured ground; the place cut around one is 19 to 38 pixels tall.
        // Carried along, the ground would change about as many pixels as the whole place holds (200 to 900).
        var changed = await Draws(kind, differs => (double)differs.sum([1, 2]).to_type(ScalarType.Float32).mean().item<float>());
        Assert.True(changed.Count >= 8, $"{changed.Count} of 10 draws made a clip");
        // The walker, its softened outline and the fraction of a pixel it has moved into: a ring or two around 72 pixels.
        Assert.All(changed, c => Assert.True(c <= 170, $"{c:F0} pixels changed a frame: more than the walker"));
        // And always a walker: the place is cut where someone stands in the frame it is cut from, never bare ground (a
        // place where the clip changes between its first and last frames may show nobody in between, and carry nothing).
        Assert.All(changed, c => Assert.True(c >= 40, $"{c:F0} pixels changed a frame: less than a walker"));
    }

    [Fact]
    public async Task A_patterned_object_shows_its_pattern_at_the_object_size_but_the_networks_input_averages_it_away()
    {
        var draws = await ModelThread.Run(() =>
        {
            using var scope = NewDisposeScope();
            var found = new List<(string Size, float Pixel, float NetworkPixel)>();
            foreach (var (size, at) in new[] { ("decode", Settings), ("object", ObjectNovelty.FrameSettings(Settings)) })
            {
                // Flat grey footage: what changes is the pattern alone, and no clamp at black or white can bias its mean. Most
                // of the video (frames no source draws from) shows a lighter ground, so what stands in a place is all of it.
                var footage = cat([full([60, 1, at.DecodeHeight, at.DecodeWidth], 128, dtype: ScalarType.Byte),
                    full([100, 1, at.DecodeHeight, at.DecodeWidth], 170, dtype: ScalarType.Byte)], 0);
                using var pseudo = new PseudoAnomalies(at, [footage]);
                var sources = new[] { new PseudoAnomalies.Source(0, 0, 30), new PseudoAnomalies.Source(0, 30, 60) };
                for (var seed = 0; seed < 6; seed++)
                {
                    var change = pseudo.Sequence(PseudoAnomalyKind.PatternedObject, sources[0], sources, new Random(seed), out _)! - 128f / 255;
                    // The network's input is the frame averaged over DecodeScale x DecodeScale pixels (ClipBatch.Features).
                    var networkPixels = nn.functional.avg_pool2d(change, at.DecodeScale);
                    found.Add((size, change.abs().max().item<float>(), networkPixels.abs().max().item<float>()));
                }
            }
            return found;
        });
        Assert.Equal(12, draws.Count);
        // At both sizes the pattern's own contrast (0.15 to 0.3) shows in the pixels the object windows are cut from...
        Assert.All(draws, d => Assert.True(d.Pixel >= 0.14, $"{d.Size} size: pixels changed by at most {d.Pixel:F3}"));
        // ...but one period fits one network pixel, so the network sees at most a trace at its feathered rim.
        Assert.All(draws, d => Assert.True(d.NetworkPixel <= d.Pixel / 3, $"{d.Size} size: network pixels changed by {d.NetworkPixel:F3} of {d.Pixel:F3}"));
        Assert.DoesNotContain(PseudoAnomalyKind.PatternedObject, PseudoAnomalies.TrainingKinds);
    }

    [Fact]
    public async Task A_thing_crossing_at_walking_pace_moves_a_little_every_frame_not_in_whole_pixel_jumps()
    {
        var steps = await ModelThread.Run(() =>
        {
            using var scope = NewDisposeScope();
            // A bright square on black crossing at 0.6 pixels a frame: where its brightness is centred, frame by frame.
            var clip = zeros(9, 1, 64, 64);
            PseudoAnomalies.Glide(clip, ones(1, 1, 8, 8), ones(8, 8), 10, 20, 0.6, 0);
            var xs = arange(64, dtype: ScalarType.Float32).view(1, 1, 1, -1);
            var centre = ((clip * xs).sum([1, 2, 3]) / clip.sum([1, 2, 3])).data<float>().ToArray();
            return centre.Zip(centre.Skip(1), (a, b) => (double)(b - a)).ToArray();
        });
        // Pasted at whole pixels it would stand still on some frames and jump a pixel on others.
        Assert.All(steps, step => Assert.InRange(step, 0.55, 0.65));
    }

    [Fact]
    public async Task A_foreign_patch_crosses_the_view_faster_than_a_walker_one_place_a_frame()
    {
        var draws = await FrameBoxes(PseudoAnomalyKind.ForeignPatch);
        Assert.Equal(10, draws.Count);
        // Each frame shows the patch once, where it is then (at most 0.32 of the view tall, half as wide), not a trail of its path.
        Assert.All(draws.SelectMany(d => d), b => Assert.True(b.H <= 0.32 * Settings.DecodeHeight + 1 && b.W <= Settings.DecodeWidth / 2 + 1,
            $"one frame changed {b.H}x{b.W} px"));
        // Faster than a walker's decode pixel a frame (2.5 to 6 at the default scale); the fastest step, since a bounce off
        // an edge can undo the path's net travel.
        var fastest = draws.Select(d => d.Zip(d.Skip(1), Distance).Max()).ToList();
        Assert.All(fastest, f => Assert.True(f >= 2, $"moved at most {f:F1} px in a frame"));
    }

    private sealed record Box(double X, double Y, int H, int W);

    private static double Distance(Box a, Box b) => Math.Sqrt(Math.Pow(b.X - a.X, 2) + Math.Pow(b.Y - a.Y, 2));

    /// <summary>
    /// Ten draws of one kind from the first of two sources (the other may give content), each as the box of what
    /// changed in every frame against the normal frames it starts at; draws the source is too short for are left out.
    /// </summary>
    private static Task<List<Box[]>> FrameBoxes(PseudoAnomalyKind kind) => Draws(kind, differs =>
    {
        Assert.True(differs.flatten(1).any(1).all().item<bool>(), $"a {kind} clip has a frame that changed nothing");
        return Enumerable.Range(0, (int)differs.shape[0]).Select(i => ChangedBox(differs[i])).ToArray();
    });

    /// <summary>
    /// Ten draws of one kind from the first of two sources (the other may give content), each measured by <paramref name="measure"/>
    /// on the pixels [T + 1, H, W] that changed against the normal frames it starts at; draws the source is too short for are left out.
    /// </summary>
    private static Task<List<T>> Draws<T>(PseudoAnomalyKind kind, Func<Tensor, T> measure) => ModelThread.Run(() =>
    {
        using var scope = NewDisposeScope();
        var footage = Footage();
        using var pseudo = new PseudoAnomalies(Settings, [footage]);
        var sources = new[] { new PseudoAnomalies.Source(0, 0, 60), new PseudoAnomalies.Source(0, 60, (int)footage.shape[0]) };
        var draws = new List<T>();
        for (var seed = 0; seed < 10; seed++)
        {
            var sequence = pseudo.Sequence(kind, sources[0], sources, new Random(seed), out var start);
            if (sequence is null) continue;
            var normal = footage[start..(start + Settings.ClipFrames + 1)].to_type(ScalarType.Float32) / 255f;
            draws.Add(measure((sequence - normal).abs().gt(1.5 / 255).any(1)));
        }
        return draws;
    });

    /// <summary>Centre and size of the changed pixels [H, W] of one frame.</summary>
    private static Box ChangedBox(Tensor changed)
    {
        var rows = changed.any(1).nonzero().flatten();
        var columns = changed.any(0).nonzero().flatten();
        long top = rows.min().item<long>(), bottom = rows.max().item<long>(), left = columns.min().item<long>(), right = columns.max().item<long>();
        return new Box((left + right) / 2.0, (top + bottom) / 2.0, (int)(bottom - top + 1), (int)(right - left + 1));
    }

    [Fact]
    public async Task A_sped_up_place_is_where_someone_walks()
    {
        var changes = await Changes(PseudoAnomalyKind.SpedUpPlace);
        // On a still background only the walkers change, so a place drawn where the footage changes holds one.
        Assert.True(changes.Count(c => c.Last) >= 9, $"{changes.Count(c => c.Last)} of 10 clips changed");
    }

    [Fact]
    public async Task Magnifying_a_place_widens_and_heightens_what_is_there_about_its_centre()
    {
        var (width, height, centreX, centreY) = await ModelThread.Run(() =>
        {
            using var scope = NewDisposeScope();
            var frame = full(1, 1, 64, 96, 0.8f);
            frame[.., .., 29..35, 45..51] = 0.1f; // a dark 6 x 6 square centred on (48, 32)
            var dark = PseudoAnomalies.Magnify(frame, 48, 32, 2.0, 1.5)[0, 0].lt(0.45f);
            var columns = dark.any(0).nonzero().flatten();
            var rows = dark.any(1).nonzero().flatten();
            return (columns.shape[0], rows.shape[0], columns.to_type(ScalarType.Float32).mean().item<float>() + 0.5f,
                rows.to_type(ScalarType.Float32).mean().item<float>() + 0.5f);
        });
        Assert.InRange(width, 11, 13);
        Assert.InRange(height, 8, 10);
        Assert.InRange(centreX, 47.5f, 48.5f);
        Assert.InRange(centreY, 31.5f, 32.5f);
    }

    [Fact]
    public async Task A_batch_of_pseudo_anomalies_is_network_input_and_the_same_for_the_same_seed()
    {
        var (shape, again) = await ModelThread.Run(() =>
        {
            using var scope = NewDisposeScope();
            var footage = Footage();
            using var pseudo = new PseudoAnomalies(Settings, [footage]);
            var sources = new[] { new PseudoAnomalies.Source(0, 0, (int)footage.shape[0]) };
            var first = pseudo.Make(4, sources, new Random(3));
            var second = pseudo.Make(4, sources, new Random(3));
            return (first.shape, first.eq(second).all().item<bool>());
        });
        Assert.Equal([4, Settings.InputChannels, Settings.ClipFrames, Settings.Height, Settings.Width], shape);
        Assert.True(again, "the same seed made different pseudo-anomalies");
    }

    [Fact]
    public async Task Each_pseudo_anomaly_names_the_video_it_was_made_from()
    {
        // Two videos told apart by brightness: a dark copy (below mid-grey) and a bright one (above it).
        var draws = await ModelThread.Run(() =>
        {
            using var scope = NewDisposeScope();
            var footage = Footage();
            var dark = (footage.to_type(ScalarType.Float32) * 0.5f).floor().to_type(ScalarType.Byte);
            var bright = dark + 128;
            using var pseudo = new PseudoAnomalies(Settings, [dark, bright]);
            var sources = new[] { new PseudoAnomalies.Source(0, 0, 120), new PseudoAnomalies.Source(1, 0, 120) };
            var videos = new List<int>();
            var clips = pseudo.Sequences(12, sources, new Random(5), [PseudoAnomalyKind.SkippedFrames], drawnVideos: videos);
            return clips.Select((c, i) => (Video: videos[i], Brightness: c.mean().item<float>())).ToList();
        });
        Assert.Equal(12, draws.Count);
        Assert.Equal([0, 1], draws.Select(d => d.Video).Distinct().Order());
        Assert.All(draws, d => Assert.True(d.Video == 0 ? d.Brightness < 0.5f : d.Brightness > 0.5f,
            $"a clip of brightness {d.Brightness:F2} was said to come from video {d.Video}"));
    }

    private sealed record Change(bool First, bool Last, int Height, int Width);

    /// <summary>Ten pseudo-anomalies of one kind, each compared with the normal frames it starts at.</summary>
    private static Task<List<Change>> Changes(PseudoAnomalyKind kind) => ModelThread.Run(() =>
    {
        using var scope = NewDisposeScope();
        var footage = Footage();
        using var pseudo = new PseudoAnomalies(Settings, [footage]);
        var sources = new[] { new PseudoAnomalies.Source(0, 0, (int)footage.shape[0]) };
        var changes = new List<Change>();
        for (var seed = 0; seed < 10; seed++)
        {
            var sequence = pseudo.Sequence(kind, sources[0], sources, new Random(seed), out var start)!;
            var normal = footage[start..(start + Settings.ClipFrames + 1)].to_type(ScalarType.Float32) / 255f;
            var differs = (sequence - normal).abs().gt(1.5 / 255); // [T + 1, C, H, W]
            var changed = differs.any(0).any(0); // [H, W]
            var rows = changed.any(1).nonzero();
            var columns = changed.any(0).nonzero();
            var perFrame = differs.flatten(1).any(1);
            int height = rows.shape[0] == 0 ? 0 : (int)(rows.max().item<long>() - rows.min().item<long>() + 1);
            int width = columns.shape[0] == 0 ? 0 : (int)(columns.max().item<long>() - columns.min().item<long>() + 1);
            changes.Add(new Change(perFrame[0].item<bool>(), perFrame[^1].item<bool>(), height, width));
        }
        return changes;
    });

    /// <summary>A still, textured scene at decode size with two dark walkers crossing it a pixel a frame, far apart.</summary>
    private static Tensor Footage()
    {
        var generator = new Generator(7);
        var background = nn.functional.interpolate(rand(1, 1, 16, 24, generator: generator), [Settings.DecodeHeight, Settings.DecodeWidth],
            mode: InterpolationMode.Bicubic, align_corners: false).clamp(0, 1) * 0.4 + 0.4;
        var frames = background.expand(120, 1, -1, -1).clone();
        for (var i = 0; i < 120; i++)
        {
            frames[i, .., 20..32, (30 + i)..(36 + i)] = 0.1f;
            frames[i, .., 100..112, (156 - i)..(162 - i)] = 0.1f;
        }
        return (frames * 255).round().to_type(ScalarType.Byte);
    }
}
