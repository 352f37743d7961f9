using STADNet.Grains;
using STADNet.Model;

namespace STADNet.Tests.Model;

public sealed class ScoringTests
{
    [Theory]
    [InlineData(1, 8)]
    [InlineData(8, 8)]
    [InlineData(47, 8)]
    [InlineData(64, 8)]
    public void Clips_cover_every_frame_and_stay_inside_the_shard(int frames, int clip)
    {
        var starts = ClipBatch.ClipStarts(frames, clip);
        var covered = new bool[frames];
        foreach (var s in starts)
        {
            Assert.True(s >= 0 && (s + clip <= frames || frames < clip));
            for (var t = s; t < Math.Min(frames, s + clip); t++) covered[t] = true;
        }
        Assert.All(covered, Assert.True);
    }

    [Fact]
    public void Calibration_maps_typical_normal_evidence_near_zero_and_keeps_order()
    {
        var settings = new ModelSettings();
        FrameEvidence Evidence(params float[] reconstruction) => new(reconstruction, reconstruction.Select(r => r * 2).ToArray(),
            reconstruction.Select(r => r * 3).ToArray(), reconstruction.Select(r => MathF.Log(r)).ToArray(),
            reconstruction.SelectMany(r => Enumerable.Repeat(r / 2, settings.HeatmapCells)).ToArray());
        var normal = Enumerable.Range(0, 400).Select(i => (float)(0.01 * (1 + 0.2 * Math.Sin(i * 0.37)))).ToArray();
        var calibration = ScoreCalibration.Fit([Evidence(normal)], settings, smoothingWindow: 1, quantile: 0.995);
        var scores = calibration.Calibrate(calibration.Combine(Evidence(normal)));
        Assert.InRange(scores.Average(), -0.2, 0.2);
        var high = calibration.Calibrate(calibration.Combine(Evidence(0.01f, 0.05f, 0.5f)));
        Assert.True(high[0] < high[1] && high[1] < high[2]);
        Assert.True(high[2] > calibration.Threshold);
        var heat = calibration.Heatmap(Evidence(0.01f, 0.5f));
        Assert.True(heat[settings.HeatmapCells] > heat[0], "a frame with more error has hotter cells");
    }

    [Fact]
    public void Events_are_runs_above_the_threshold_with_small_gaps_merged()
    {
        float[] scores = [0, 5, 6, 0, 0, 7, 0, 0, 0, 0, 0, 4, 4];
        var events = EventDetector.Find(scores, 3.5, fps: 10);
        Assert.Equal(2, events.Count);
        Assert.Equal((1, 5, 5, 7.0), (events[0].StartFrame, events[0].EndFrame, events[0].PeakFrame, events[0].PeakScore));
        Assert.Equal(0.1, events[0].StartTime, 6);
        Assert.Equal(0.6, events[0].EndTime, 6);
        Assert.Equal((11, 12), (events[1].StartFrame, events[1].EndFrame));
        Assert.Empty(EventDetector.Find(scores, 100, 10));
    }
}
