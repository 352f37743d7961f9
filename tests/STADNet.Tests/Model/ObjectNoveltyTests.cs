using STADNet.Model;
using STADNet.Model.Modules;
using STADNet.Model.Pretrained;
using static TorchSharp.torch;

namespace STADNet.Tests.Model;

/// <summary>Object novelty: moving windows seen by the pretrained backbone, judged against the moving windows of normal footage.</summary>
public sealed class ObjectNoveltyTests
{
    private const int Width = 192, Height = 128;

    /// <summary>
    /// Grey frames [N, 1, 128, 192] in 0..1 of a paved view: dark upright walkers crossing at walking pace and,
    /// when asked, a wide checkered cart rolling along a lane of its own.
    /// </summary>
    private static Tensor View(int frames, int seed, bool cart = false)
    {
        var random = new Random(seed);
        var walkers = Enumerable.Range(0, 3).Select(_ => (X: random.Next(10, 170), Y: random.Next(10, 90), Speed: random.Next(1, 3) * (random.Next(2) * 2 - 1))).ToArray();
        var pixels = new float[frames * Height * Width];
        for (var f = 0; f < frames; f++)
        {
            var frame = pixels.AsSpan(f * Height * Width, Height * Width);
            for (var y = 0; y < Height; y++)
            for (var x = 0; x < Width; x++)
                frame[y * Width + x] = 0.55f + 0.05f * ((x / 16 + y / 16) % 2);
            foreach (var w in walkers)
            {
                var left = ((w.X + w.Speed * f) % 180 + 180) % 180;
                for (var y = w.Y; y < w.Y + 22; y++)
                for (var x = left; x < left + 7; x++)
                    frame[y * Width + x] = y < w.Y + 5 ? 0.3f : 0.15f;
            }
            if (!cart) continue;
            var cx = 20 + 2 * f % 140;
            for (var y = 60; y < 80; y++)
            for (var x = cx; x < cx + 26; x++)
                frame[y * Width + x] = ((x - cx) / 4 + (y - 60) / 4) % 2 == 0 ? 0.95f : 0.05f;
        }
        return tensor(pixels, [frames, 1, Height, Width]);
    }

    [Fact]
    public async Task A_cart_among_walkers_is_farther_from_normal_moving_windows_than_any_walker()
    {
        var (normal, cart) = await ModelThread.Run(() =>
        {
            using var backbone = ImageNetBackbone.LoadDefault();
            using var memory = new ObjectNormality("objects", ImageNetBackbone.FeatureLength);
            using var scope = NewDisposeScope();
            var training = View(60, seed: 1);
            memory.Fit(ObjectNovelty.NormalWindows(backbone, training, ObjectNovelty.SampledFrames(2, 60)));
            var heldOut = View(40, seed: 2);
            var withCart = View(40, seed: 2, cart: true);
            return (ObjectNovelty.Score(backbone, memory, heldOut, 2, 40), ObjectNovelty.Score(backbone, memory, withCart, 2, 40));
        });
        var sampled = ObjectNovelty.SampledFrames(2, 40).Select(f => f - 2).ToList();
        Assert.All(Enumerable.Range(0, normal.Length).Where(i => !sampled.Contains(i)), i => Assert.True(float.IsNaN(normal[i]), "frames between samples have no object evidence"));
        var walkers = sampled.Select(i => normal[i]).ToList();
        var carts = sampled.Select(i => cart[i]).ToList();
        Assert.All(walkers, v => Assert.False(float.IsNaN(v)));
        Assert.True(carts.Min() > walkers.Max(), $"cart {string.Join(", ", carts)} against walkers {string.Join(", ", walkers)}");
    }

    [Fact]
    public async Task A_view_where_nothing_moves_has_no_object_evidence()
    {
        var evidence = await ModelThread.Run(() =>
        {
            using var backbone = ImageNetBackbone.LoadDefault();
            using var memory = new ObjectNormality("objects", ImageNetBackbone.FeatureLength);
            using var still = View(1, seed: 3).expand(30, -1, -1, -1).contiguous();
            memory.Fit(randn(4, ImageNetBackbone.FeatureLength));
            return ObjectNovelty.Score(backbone, memory, still, 0, 30);
        });
        Assert.All(evidence, v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public async Task The_normal_memory_keeps_a_covering_subset_when_footage_gives_more_windows_than_it_holds()
    {
        var (count, farthest) = await ModelThread.Run(() =>
        {
            using var memory = new ObjectNormality("objects", 8);
            using var scope = NewDisposeScope();
            // Many near-copies of one look and a single rare one: the rare one must stay remembered.
            var look = zeros(1, 8);
            look[0, 0] = 1f;
            var common = look + randn(ObjectNormality.Capacity + 500, 8) * 0.01;
            var rare = zeros(1, 8);
            rare[0, 1] = 5f;
            memory.Fit(cat([common, rare], 0));
            return (memory.Count, memory.forward(rare).item<float>());
        });
        Assert.Equal(ObjectNormality.Capacity, count);
        Assert.Equal(0f, farthest, 3);
    }

    [Fact]
    public async Task The_held_out_check_judges_each_video_against_a_memory_without_its_own_footage()
    {
        // Four videos, each with a look of its own: a tail judged against a memory holding its own video's training part
        // would find its own walkers there, as footage a scan judges never does.
        var (ownEven, otherEven, ownOdd, otherOdd, whole, fallback) = await ModelThread.Run(() =>
        {
            using var memory = new ObjectNormality("objects", 8);
            using var scope = NewDisposeScope();
            var looks = eye(8)[..4];
            var windows = looks.repeat_interleave(5, 0) + randn(20, 8) * 0.01;
            var owners = arange(4, dtype: ScalarType.Int64).repeat_interleave(5);
            memory.Fit(windows);
            var halves = Trainer.HeldOutMemories(memory, windows, owners);
            float Distance(ObjectNormality m, int look) => m.forward(looks[look..(look + 1)]).item<float>();
            var evenOnly = owners.index_select(0, owners.remainder(2).eq(0).nonzero().squeeze(1));
            var evenWindows = windows.index_select(0, owners.remainder(2).eq(0).nonzero().squeeze(1));
            var oneSided = Trainer.HeldOutMemories(memory, evenWindows, evenOnly);
            return (Distance(halves[0], 0), Distance(halves[0], 1), Distance(halves[1], 3), Distance(halves[1], 2),
                Distance(memory, 0), ReferenceEquals(oneSided[0], memory));
        });
        Assert.True(ownEven > 1f, $"an even video's look must be absent from the memory judging even videos (distance {ownEven})");
        Assert.True(ownOdd > 1f, $"an odd video's look must be absent from the memory judging odd videos (distance {ownOdd})");
        Assert.True(otherEven < 0.1f && otherOdd < 0.1f, $"the other half's looks must be remembered (distances {otherEven}, {otherOdd})");
        Assert.True(whole < 0.1f, $"the shipped memory holds every video (distance {whole})");
        Assert.True(fallback, "with no moving window in the other half's videos, the whole memory judges");
    }

    [Fact]
    public async Task A_window_is_judged_by_what_its_features_show_not_by_how_strongly_it_shows_it()
    {
        var (fainter, stronger, other) = await ModelThread.Run(() =>
        {
            using var memory = new ObjectNormality("objects", 8);
            using var scope = NewDisposeScope();
            var walker = tensor(new float[] { 1, 2, 0, 0, 3, 0, 1, 0 }).unsqueeze(0);
            var cyclist = tensor(new float[] { 0, 0, 2, 1, 0, 3, 0, 1 }).unsqueeze(0);
            memory.Fit(walker);
            // A low-contrast walker excites the backbone less, but in the same pattern: still a walker.
            return (memory.forward(walker * 0.3f).item<float>(), memory.forward(walker * 3f).item<float>(), memory.forward(cyclist).item<float>());
        });
        Assert.Equal(0f, fainter, 4);
        Assert.Equal(0f, stronger, 4);
        Assert.True(other > 1f, $"a different pattern must be far from the memory (distance {other})");
    }

    [Fact]
    public void Sparse_samples_spread_to_every_frame_within_the_span_and_nowhere_else()
    {
        var sparse = Enumerable.Repeat(float.NaN, 100).ToArray();
        sparse[5] = 1;
        sparse[15] = 3;
        var spread = ScoreCalibration.Spread(sparse, 11);
        Assert.Equal(1f, spread[0]);
        Assert.Equal(2f, spread[10]); // both samples within five frames
        Assert.Equal(3f, spread[20]);
        Assert.True(float.IsNaN(spread[21]));
    }

    [Fact]
    public void A_held_out_pseudo_anomaly_is_judged_by_a_spans_worth_of_samples_of_its_own_kind()
    {
        var kinds = new[] { PseudoAnomalyKind.TurnedObject, PseudoAnomalyKind.SkippedFrames, PseudoAnomalyKind.TurnedObject,
            PseudoAnomalyKind.TurnedObject, PseudoAnomalyKind.SkippedFrames, PseudoAnomalyKind.TurnedObject };
        var samples = new[] { 1f, 10f, 2f, float.NaN, 30f, 6f };
        var lasting = ObjectNovelty.Lasting(samples, kinds);
        Assert.Equal(1.5f, lasting[0]); // 1, 2 and a clip where nothing moved
        Assert.Equal(4f, lasting[2]); // 2, nothing, 6
        Assert.Equal(3.5f, lasting[3]); // nothing moved in this clip: the next two of its kind, 6 and 1, still judge the event
        Assert.Equal(3f, lasting[5]); // 6, then round to 1 and 2
        Assert.Equal(20f, lasting[1]); // a kind of two clips averages the two, each once
        Assert.Equal(20f, lasting[4]);
        Assert.True(float.IsNaN(ObjectNovelty.Lasting([float.NaN], [PseudoAnomalyKind.PatternedObject])[0]));
    }

    [Theory]
    [InlineData(32)]
    [InlineData(45)]
    [InlineData(64)]
    public void A_video_cut_into_shards_anywhere_samples_the_same_frames_as_the_whole(int shardFrames)
    {
        const int frames = 200;
        var whole = ObjectNovelty.SampledFrames(0, frames);
        Assert.Equal(Enumerable.Range(0, frames / ObjectNovelty.Stride).Select(k => ObjectNovelty.Stride / 2 + ObjectNovelty.Stride * k), whole);
        // A shard's buffer starts MotionGap frames before its own first frame, whose number is the buffer's origin.
        var sharded = new List<int>();
        for (var first = 0; first < frames; first += shardFrames)
        {
            var context = Math.Min(first, ObjectNovelty.MotionGap);
            var origin = first - context;
            var count = Math.Min(shardFrames, frames - first);
            sharded.AddRange(ObjectNovelty.SampledFrames(context, context + count, origin).Select(f => origin + f));
        }
        Assert.Equal(whole, sharded);
        Assert.Empty(ObjectNovelty.SampledFrames(0, ObjectNovelty.Stride / 2)); // shorter than half a stride: no sample
    }

    [Fact]
    public void The_normal_memory_learns_from_every_sampled_frame_and_the_walkers_poses_between_them()
    {
        var memory = ObjectNovelty.MemoryFrames(1, 200);
        // Every frame a scan samples is in it, with the frames between samples.
        Assert.Subset(memory.ToHashSet(), ObjectNovelty.SampledFrames(1, 200).ToHashSet());
        Assert.Equal(Enumerable.Range(ObjectNovelty.MotionGap, 200 - ObjectNovelty.MotionGap).Where(f => (f - 1) % ObjectNovelty.MemoryStride == 0), memory);
        Assert.True(memory.Count >= 2 * ObjectNovelty.SampledFrames(1, 200).Count);
        // Each frame's motion partner, MotionGap frames before, is in the video.
        Assert.All(memory, f => Assert.True(f >= ObjectNovelty.MotionGap));
        Assert.Empty(ObjectNovelty.MemoryFrames(0, ObjectNovelty.MotionGap));
    }
}
