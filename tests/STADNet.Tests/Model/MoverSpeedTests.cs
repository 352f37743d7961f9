using STADNet.Client.Hosting;
using STADNet.Model;
using STADNet.Model.Modules;
using STADNet.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace STADNet.Tests.Model;

public sealed class MoverSpeedTests
{
    private static readonly ModelSettings Settings = new();

    [Fact]
    public async Task A_mover_three_times_a_walkers_pace_is_measured_three_times_as_fast_and_still_places_not_at_all()
    {
        // At the decode size (192x128) a walker crosses 0.6 pixels a frame, a cyclist 1.8: 0.3 and 0.9 network pixels.
        var (walker, cyclist, still) = await ModelThread.Run(() =>
        {
            var walking = Speeds(0.6);
            var cycling = Speeds(1.8);
            return (Mean(walking.Mover), Mean(cycling.Mover), walking.Still.Concat(cycling.Still).Max());
        });
        Assert.InRange(walker, 0.2, 0.4);
        Assert.InRange(cyclist, 0.7, 1.1);
        Assert.InRange(cyclist / walker, 2.4, 3.6);
        Assert.Equal(0f, still);
    }

    [Fact]
    public void A_speed_normal_near_the_camera_is_unusual_far_from_it()
    {
        var rows = Settings.HeatmapRows;
        var columns = Settings.HeatmapColumns;
        const int far = 2, near = 6;
        // Normal footage: far walkers go about 0.15 network pixels a frame, near ones 0.45 (perspective).
        FrameEvidence Frame(params (int Row, float Speed)[] movers)
        {
            var cells = new float[rows * columns];
            foreach (var (row, speed) in movers) cells[row * columns + 5] = speed;
            return new FrameEvidence(new float[cells.Length], new float[cells.Length], [0], [0], new float[cells.Length], [0]) { Speeds = cells };
        }
        var normal = Enumerable.Range(0, 300).Select(i => Frame((far, 0.15f * (1 + 0.2f * MathF.Sin(i))), (near, 0.45f * (1 + 0.2f * MathF.Cos(i))))).ToList();
        var calibration = SpeedCalibration.Fit(normal, rows, columns)!;

        double Z(FrameEvidence frame) => calibration.Z(frame.Speeds);
        var usual = normal.Max(Z);
        Assert.True(Z(Frame((near, 0.5f))) <= usual, "a near walker at a near walker's pace");
        Assert.True(Z(Frame((far, 0.5f))) > usual + 3, $"a far mover at a near walker's pace: z {Z(Frame((far, 0.5f))):F2}, normal at most {usual:F2}");
        Assert.True(Z(Frame((near, 1.4f))) > usual + 3, "a near mover at three times a near walker's pace");
        Assert.True(Z(Frame()) < 0, "a frame where nothing moves");
    }

    [Fact]
    public void The_speed_term_raises_a_fast_movers_frames_only_when_calibration_gives_it_weight()
    {
        var cells = Settings.HeatmapCells;
        FrameEvidence Frame(int frames, Func<int, float> speed) => new(new float[frames * cells], new float[frames * cells], new float[frames],
            new float[frames], new float[frames * cells], Enumerable.Range(0, frames).Select(i => MathF.Sin(i)).ToArray())
        { Speeds = Enumerable.Range(0, frames * cells).Select(k => k % cells == 40 ? speed(k / cells) : 0f).ToArray() };
        var normal = Frame(300, i => 0.3f * (1 + 0.2f * MathF.Sin(0.3f * i)));
        var fast = Frame(1, _ => 1f);
        var without = ScoreCalibration.Fit([normal], Settings, 1, 0.995);
        var with = ScoreCalibration.Fit([normal], Settings, 1, 0.995, speedWeight: 1);
        Assert.Null(without.Speeds);
        Assert.Equal(without.Combine(fast)[0], without.Combine(Frame(1, _ => 0.3f))[0]);
        Assert.True(with.Combine(fast)[0] > with.Combine(Frame(1, _ => 0.3f))[0] + 3);
        // A model without the motion stream (an ablation) sees no flow, so it has no speed term either.
        var withoutMotion = ScoreCalibration.Fit([normal], Settings with { MotionStream = false }, 1, 0.995, speedWeight: 1);
        Assert.Null(withoutMotion.Speeds);
        Assert.Equal(0, withoutMotion.SpeedWeight);
    }

    [Fact]
    public async Task A_scan_measures_mover_speeds_when_its_score_has_a_speed_term_and_not_otherwise()
    {
        using var temp = new TempFolder();
        var shipped = Checkpoint.Load(ShippedModel.Path);
        var settings = shipped.Header.Settings;
        // A bright block crosses frames 20 to 35 of a walkway.
        var footage = await TrainingFootage.DecodeAsync(SyntheticFootage.Walkway(temp.Combine("walkway.mp4"), 40, anomaly: (20, 35)), settings);
        var path = temp.Combine("speed.ckpt");
        var (measured, skipped, calibration) = await ModelThread.Run(() =>
        {
            using var model = shipped.CreateModel();
            var measured = FrameScorer.ScoreRaw(model, settings, footage.Pixels, footage.FrameCount, 1, speeds: true);
            var skipped = FrameScorer.ScoreRaw(model, settings, footage.Pixels, footage.FrameCount, 1);
            var speeds = SpeedCalibration.Fit([measured], settings.HeatmapRows, settings.HeatmapColumns)!;
            var calibration = shipped.Header.Calibration with { ObjectWeight = 0, Speeds = speeds, SpeedWeight = 1, Crowd = null, Glides = null, GlideWeight = 0 };
            Checkpoint.Save(path, shipped.Header with { Calibration = calibration }, model);
            return (measured, skipped, calibration);
        });
        Assert.Null(skipped.Speeds);
        Assert.Equal(footage.FrameCount - 1, measured.Speeds!.Length / settings.HeatmapCells);
        Assert.Contains(measured.Speeds, speed => speed > 0);
        Assert.Equal(skipped.Segment, measured.Segment); // speeds add evidence and change none

        // The scoring engine of a silo, given the checkpoint with the term, measures them and scores with them.
        await EngineScan.AssertScoresWithTermAsync(path, footage, calibration, measured, skipped, "speeds");
    }

    private static double Mean(IEnumerable<float> values) => values.Average();

    [Fact]
    public async Task A_videos_first_frame_moves_as_its_second_so_a_busy_start_is_not_judged_a_still_view()
    {
        // A scan's first frame has no earlier one; a view judged still there would be scored as a still view of as many people.
        var (first, second) = await ModelThread.Run(() =>
        {
            using var scope = NewDisposeScope();
            var speeds = MoverSpeed.Cells(ClipBatch.Features(Crossing(0.6), Settings), Settings).data<float>().ToArray();
            var cells = Settings.HeatmapCells;
            return (speeds[..cells], speeds[cells..(2 * cells)]);
        });
        // The same flow, read against the first frame's own picture: the same mover, about as fast.
        Assert.Contains(second, s => s > 0);
        Assert.InRange(first.Max(), 0.9 * second.Max(), 1.1 * second.Max());
        Assert.Equal(second.Count(s => s > 0), first.Count(s => s > 0));
    }

    /// <summary>Cell speeds of a textured blob crossing a still textured view at <paramref name="pixelsPerFrame"/> (decode size).</summary>
    private static (float[] Mover, float[] Still) Speeds(double pixelsPerFrame)
    {
        using var scope = NewDisposeScope();
        var features = ClipBatch.Features(Crossing(pixelsPerFrame), Settings);
        var speeds = MoverSpeed.Cells(features[1..], Settings); // frame 0 takes frame 1's flow
        var columns = Settings.HeatmapColumns;
        var values = speeds.data<float>().ToArray();
        var mover = new List<float>();
        var still = new List<float>();
        for (var i = 0; i < values.Length; i++)
        {
            int frame = i / Settings.HeatmapCells, cell = i % Settings.HeatmapCells, row = cell / columns, column = cell % columns;
            var centre = (40 + (frame + 1) * pixelsPerFrame + 8) / 2 / Settings.PatchSize; // the blob's centre column, in cells
            if (row is 3 or 4 && Math.Abs(column + 0.5 - centre) < 0.75 && values[i] > 0) mover.Add(values[i]);
            else if (row is < 2 or > 6 || Math.Abs(column + 0.5 - centre) > 3) still.Add(values[i]);
        }
        Assert.NotEmpty(mover);
        return (mover.ToArray(), still.ToArray());
    }

    /// <summary>Six frames [6, 1, H, W] at decode size of a textured blob crossing a still textured view at <paramref name="pixelsPerFrame"/>.</summary>
    private static Tensor Crossing(double pixelsPerFrame)
    {
        var background = SmoothTexture.Of(5, Settings.DecodeHeight, Settings.DecodeWidth) * 0.3 + 0.35;
        int h = Settings.DecodeHeight, w = Settings.DecodeWidth;
        var layer = zeros(1, 1, h, w);
        layer[.., .., 56..80, 40..56] = SmoothTexture.Of(11, 24, 16);
        var mask = zeros(1, 1, h, w);
        mask[.., .., 56..80, 40..56] = 1f;
        var frames = new List<Tensor>();
        for (var t = 0; t < 6; t++)
        {
            // The blob t * speed pixels to the right, sub-pixel positions interpolated.
            var shift = zeros(1, 2, h, w);
            shift[.., 0] = (float)(-t * pixelsPerFrame);
            var cover = OpticalFlow.Warp(mask, shift);
            frames.Add(background * (1 - cover) + OpticalFlow.Warp(layer, shift) * cover);
        }
        return cat(frames, 0);
    }
}
