using System.Text.Json;
using STADNet.Model;

namespace STADNet.Tests.Model;

/// <summary>The crowd correction: a busy normal view is judged against normal views as busy, not flagged for its crowd.</summary>
public sealed class CrowdCorrectionTests
{
    private static readonly ModelSettings Settings = new();

    /// <summary>
    /// Frames whose feature novelty rises with how many cells move, as a crowd's does, plus <paramref name="extra"/>;
    /// <paramref name="moving"/> gives each frame's moving cells.
    /// </summary>
    private static FrameEvidence Frames(int frames, Func<int, int> moving, Func<int, float>? extra = null)
    {
        var cells = Settings.HeatmapCells;
        var speeds = new float[frames * cells];
        for (var f = 0; f < frames; f++)
            for (var k = 0; k < moving(f); k++) speeds[f * cells + k] = 0.3f;
        var novelty = Enumerable.Range(0, frames).Select(f => 6f + 0.3f * moving(f) + 0.5f * MathF.Sin(1.7f * f) + (extra?.Invoke(f) ?? 0f)).ToArray();
        var grid = Enumerable.Range(0, frames * cells).Select(i => (float)(0.01 * (1 + 0.3 * Math.Sin(i * 0.37)))).ToArray();
        return new FrameEvidence(grid, grid, new float[frames], new float[frames], grid, novelty) { Speeds = speeds };
    }

    [Fact]
    public void A_crowded_normal_frame_scores_like_a_quiet_one_and_something_new_in_a_crowd_still_stands_out()
    {
        var normal = Frames(400, f => 2 + f * 7 % 19);
        var plain = ScoreCalibration.Fit([normal], Settings, 1, 0.995);
        var corrected = ScoreCalibration.Fit([normal], Settings, 1, 0.995, crowd: true);
        Assert.Null(plain.Crowd);
        Assert.NotNull(corrected.Crowd);
        Assert.InRange(corrected.Crowd!.Slope, 0.25, 0.35); // the rise per moving cell the normal frames show
        Assert.True(corrected.UsesSpeeds, "a scan must count the movers the correction reads");

        float Score(ScoreCalibration c, FrameEvidence e) => c.Calibrate(c.Combine(e))[0];
        var quiet = Frames(1, _ => 2);
        var crowd = Frames(1, _ => 30); // busier than any normal frame held out
        Assert.True(Score(plain, crowd) > plain.Threshold, $"without the correction a normal crowd crosses the threshold: {Score(plain, crowd):F2} against {plain.Threshold:F2}");
        Assert.True(Math.Abs(Score(corrected, crowd) - Score(corrected, quiet)) < 1, $"crowd {Score(corrected, crowd):F2}, quiet {Score(corrected, quiet):F2}");
        Assert.True(Score(corrected, crowd) < corrected.Threshold);
        var newInCrowd = Frames(1, _ => 30, _ => 4f);
        Assert.True(Score(corrected, newInCrowd) > corrected.Threshold + 2, $"novel frame in a crowd {Score(corrected, newInCrowd):F2}, threshold {corrected.Threshold:F2}");
    }

    [Fact]
    public void The_correction_is_left_out_where_it_has_nothing_to_read_or_nothing_to_take_off()
    {
        var normal = Frames(200, f => 2 + f % 20);
        Assert.Null(ScoreCalibration.Fit([normal with { Speeds = null }], Settings, 1, 0.995, crowd: true).Crowd); // movers not counted
        Assert.Null(ScoreCalibration.Fit([normal], Settings with { MotionStream = false }, 1, 0.995, crowd: true).Crowd); // no flow to count them by
        var flat = Frames(200, f => 2 + f % 20) with { Novelty = Enumerable.Range(0, 200).Select(f => 6f - 0.1f * (f % 20) + MathF.Sin(f)).ToArray() };
        Assert.Null(ScoreCalibration.Fit([flat], Settings, 1, 0.995, crowd: true).Crowd); // busier frames are not more novel

        // A calibration with the correction cannot score frames whose movers were not counted: it would judge them wrongly.
        var corrected = ScoreCalibration.Fit([normal], Settings, 1, 0.995, crowd: true);
        Assert.Throws<InvalidOperationException>(() => corrected.Combine(Frames(1, _ => 3) with { Speeds = null }));
    }

    [Fact]
    public void A_checkpoints_calibration_keeps_its_crowd_correction()
    {
        var corrected = ScoreCalibration.Fit([Frames(200, f => 2 + f % 20)], Settings, 1, 0.995, crowd: true);
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var loaded = JsonSerializer.Deserialize<ScoreCalibration>(JsonSerializer.Serialize(corrected, options), options)!;
        Assert.Equal(corrected.Crowd, loaded.Crowd);
        var frame = Frames(1, _ => 17);
        Assert.Equal(corrected.Combine(frame)[0], loaded.Combine(frame)[0]);
    }
}
