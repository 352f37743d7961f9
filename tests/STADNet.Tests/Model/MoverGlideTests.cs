using System.Text.Json;
using STADNet.Client.Hosting;
using STADNet.Model;
using STADNet.Model.Modules;
using STADNet.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace STADNet.Tests.Model;

public sealed class MoverGlideTests
{
    private static readonly ModelSettings Settings = new();

    [Fact]
    public async Task A_mover_that_glides_in_one_piece_glides_more_than_one_whose_legs_swing_at_the_same_pace()
    {
        var (skater, walker, still) = await ModelThread.Run(() =>
        {
            var gliding = Glides(1.2, legs: false);
            var walking = Glides(1.2, legs: true);
            return (gliding.Mover, walking.Mover, gliding.Still.Concat(walking.Still).Max());
        });
        Assert.True(skater > 2 * walker, $"one piece glides {skater:F2}, with swinging legs {walker:F2}");
        Assert.Equal(0f, still);
    }

    [Fact]
    public void The_glide_term_raises_a_gliding_movers_frames_only_when_calibration_gives_it_weight()
    {
        var cells = Settings.HeatmapCells;
        FrameEvidence Frame(int frames, Func<int, float> glide) => new(new float[frames * cells], new float[frames * cells], new float[frames],
            new float[frames], new float[frames * cells], Enumerable.Range(0, frames).Select(i => MathF.Sin(i)).ToArray())
        { Glides = Enumerable.Range(0, frames * cells).Select(k => k % cells == 40 ? glide(k / cells) : 0f).ToArray() };
        var normal = Frame(300, i => 1f + 0.3f * MathF.Sin(0.3f * i));
        var gliding = Frame(1, _ => 6f);
        var walking = Frame(1, _ => 1f);
        var without = ScoreCalibration.Fit([normal], Settings, 1, 0.995);
        var with = ScoreCalibration.Fit([normal], Settings, 1, 0.995, glideWeight: 1);
        Assert.False(without.UsesGlides);
        Assert.Equal(without.Combine(gliding)[0], without.Combine(walking)[0]);
        Assert.True(with.UsesGlides);
        Assert.True(with.Combine(gliding)[0] > with.Combine(walking)[0] + 3);
        // Evidence only adds: a frame where nothing glides is not more normal for it.
        Assert.Equal(without.Combine(Frame(1, _ => 0f))[0], with.Combine(Frame(1, _ => 0f))[0]);
        // Footage whose movers never fill a quarter of a cell leaves no spread to judge by: no term, rather than one that
        // finds any later counting cell infinitely unusual.
        Assert.Null(GlideCalibration.Fit([Frame(300, _ => 0f)], cells));
        Assert.False(ScoreCalibration.Fit([Frame(300, _ => 0f)], Settings, 1, 0.995, glideWeight: 1).UsesGlides);
        // A model without the motion stream (an ablation) measures no flow, so it has no glide term either.
        var withoutMotion = ScoreCalibration.Fit([normal], Settings with { MotionStream = false }, 1, 0.995, glideWeight: 1);
        Assert.False(withoutMotion.UsesGlides);
    }

    [Fact]
    public void A_calibration_records_the_moving_share_its_glides_were_measured_with_and_an_older_one_reads_as_a_quarter()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var fitted = ScoreCalibration.Fit([Gliding(300)], Settings, 1, 0.995, glideWeight: 1, glideShare: 0.5).Glides!;
        Assert.Equal(0.5, fitted.MovingShare);
        Assert.Equal(fitted, JsonSerializer.Deserialize<GlideCalibration>(JsonSerializer.Serialize(fitted, options), options));
        Assert.Equal(MoverGlide.DefaultMovingShare, ScoreCalibration.Fit([Gliding(300)], Settings, 1, 0.995, glideWeight: 1).Glides!.MovingShare);
        // Checkpoints written before the share was recorded were all fitted with a quarter.
        var older = JsonSerializer.Deserialize<GlideCalibration>("""{"cells":96,"frame":{"mean":0.15,"std":0.42}}""", options)!;
        Assert.Equal(MoverGlide.FirstMovingShare, older.MovingShare);
    }

    /// <summary>Evidence of <paramref name="frames"/> frames whose one moving cell glides about as a walker's does.</summary>
    private static FrameEvidence Gliding(int frames)
    {
        var cells = Settings.HeatmapCells;
        return new FrameEvidence(new float[frames * cells], new float[frames * cells], new float[frames], new float[frames], new float[frames * cells],
            new float[frames]) { Glides = Enumerable.Range(0, frames * cells).Select(k => k % cells == 40 ? 1f + 0.3f * MathF.Sin(k) : 0f).ToArray() };
    }

    [Fact]
    public async Task A_scan_measures_glides_when_its_score_has_a_glide_term_and_scores_with_them()
    {
        using var temp = new TempFolder();
        var shipped = Checkpoint.Load(ShippedModel.Path);
        var settings = shipped.Header.Settings;
        // A bright block crosses frames 20 to 35 of a walkway.
        var footage = await TrainingFootage.DecodeAsync(SyntheticFootage.Walkway(temp.Combine("walkway.mp4"), 40, anomaly: (20, 35)), settings);
        var path = temp.Combine("glide.ckpt");
        var (measured, skipped, calibration) = await ModelThread.Run(() =>
        {
            using var model = shipped.CreateModel();
            var measured = FrameScorer.ScoreRaw(model, settings, footage.Pixels, footage.FrameCount, 1, glides: true);
            var skipped = FrameScorer.ScoreRaw(model, settings, footage.Pixels, footage.FrameCount, 1);
            var glides = GlideCalibration.Fit([measured], settings.HeatmapCells)!;
            var calibration = shipped.Header.Calibration with { ObjectWeight = 0, Crowd = null, Glides = glides, GlideWeight = 1 };
            Checkpoint.Save(path, shipped.Header with { Calibration = calibration }, model);
            return (measured, skipped, calibration);
        });
        Assert.Null(skipped.Glides);
        Assert.Equal(footage.FrameCount - 1, measured.Glides!.Length / settings.HeatmapCells);
        Assert.Contains(measured.Glides, glide => glide > 0);
        Assert.Equal(skipped.Novelty, measured.Novelty); // glides add evidence and change none

        // The scoring engine of a silo, given the checkpoint with the term, measures them and scores with them...
        await EngineScan.AssertScoresWithTermAsync(path, footage, calibration, measured, skipped, "glides");

        // ...with the moving share the calibration recorded, not the default.
        var finer = temp.Combine("finer.ckpt");
        var (measuredFiner, calibrationFiner) = await ModelThread.Run(() =>
        {
            using var model = shipped.CreateModel();
            var measured = FrameScorer.ScoreRaw(model, settings, footage.Pixels, footage.FrameCount, 1, glides: true, glideShare: 1f / 32);
            var glides = GlideCalibration.Fit([measured], settings.HeatmapCells, 1.0 / 32)!;
            var calibration = shipped.Header.Calibration with { ObjectWeight = 0, Crowd = null, Glides = glides, GlideWeight = 1 };
            Checkpoint.Save(finer, shipped.Header with { Calibration = calibration }, model);
            return (measured, calibration);
        });
        Assert.NotEqual(measured.Glides, measuredFiner.Glides); // cells of which a thirty-second moves count now
        await EngineScan.AssertScoresWithTermAsync(finer, footage, calibrationFiner, measuredFiner, skipped, "glides at a thirty-second");
    }

    /// <summary>
    /// The largest glide of the cells of the block's lower half, averaged over the frames after the first, of a textured block
    /// crossing a still textured view at <paramref name="pixelsPerFrame"/> (decode size); with <paramref name="legs"/> that lower
    /// half shows new texture every frame, as swinging legs do, which no flow follows. Also every glide of cells far from the block.
    /// </summary>
    private static (float Mover, float[] Still) Glides(double pixelsPerFrame, bool legs)
    {
        using var scope = NewDisposeScope();
        int h = Settings.DecodeHeight, w = Settings.DecodeWidth;
        var background = SmoothTexture.Of(5, h, w) * 0.3 + 0.35;
        var mask = zeros(1, 1, h, w);
        mask[.., .., 48..80, 32..64] = 1f;
        var frames = new List<Tensor>();
        for (var t = 0; t < 8; t++)
        {
            var layer = zeros(1, 1, h, w);
            layer[.., .., 48..80, 32..64] = SmoothTexture.Of(11, 32, 32);
            // Legs: detail finer than the flow's window that changes every frame, so the flow follows none of it.
            if (legs) layer[.., .., 64..80, 32..64] = rand(16, 32, generator: new Generator((ulong)(100 + t))) * 0.6 + 0.2;
            var shift = zeros(1, 2, h, w);
            shift[.., 0] = (float)(-t * pixelsPerFrame);
            var cover = OpticalFlow.Warp(mask, shift);
            frames.Add(background * (1 - cover) + OpticalFlow.Warp(layer, shift) * cover);
        }
        var (_, glides) = ClipBatch.Features(cat(frames, 0), Settings, glides: true);
        var cells = Settings.HeatmapCells;
        var columns = Settings.HeatmapColumns;
        var values = glides!.data<float>().ToArray();
        Assert.Equal(values[cells..(2 * cells)], values[..cells]); // the first frame has no previous one: it takes the second's
        var mover = new List<float>();
        var still = new List<float>();
        for (var frame = 1; frame < values.Length / cells; frame++)
        {
            var largest = 0f;
            for (var cell = 0; cell < cells; cell++)
            {
                var g = values[frame * cells + cell];
                int row = cell / columns, column = cell % columns;
                // The block spans cell rows 3-4 (its lower half row 4) and, at decode size, columns 2-3 plus the distance it has come.
                var reach = (int)(frame * pixelsPerFrame / 16);
                if (row == 4 && column >= 2 && column <= 4 + reach) largest = Math.Max(largest, g);
                else if (row is < 2 or > 6 || column > 6 + reach) still.Add(g);
            }
            mover.Add(largest);
        }
        return (mover.Average(), still.ToArray());
    }
}
