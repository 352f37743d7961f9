using STADNet.Grains;
using STADNet.Model;

namespace STADNet.Tests.Model;

public sealed class ScoringTests
{
    [Fact]
    public void The_held_out_check_ranks_ties_as_halves_and_refuses_scores_that_are_not_numbers()
    {
        Assert.Equal(1.0, HeldOutSeparation.Auc([0f, 1f], [2f, 3f]));
        Assert.Equal(0.5, HeldOutSeparation.Auc([1f, 1f], [1f]));
        // A diverged network's NaN scores once made the ranking loop for ever; now the check says why it cannot rank them.
        var error = Assert.Throws<ArgumentException>(() => HeldOutSeparation.Auc([0f, float.NaN], [2f]));
        Assert.Contains("not finite", error.Message);
    }

    [Fact]
    public void Frames_whose_evidence_is_not_finite_can_be_left_out_and_the_rest_keep_their_values()
    {
        // Three frames of two cells; frame 1's appearance is NaN, and object evidence is NaN between samples by design.
        var evidence = new FrameEvidence([1, 2, float.NaN, 4, 5, 6], [1, 1, 1, 1, 1, 1], [0.1f, 0.2f, 0.3f], [0, 0, 0], [7, 8, 9, 10, 11, 12], [3, 4, 5])
            { Objects = [float.NaN, 2, float.NaN] };
        Assert.Equal([0, 2], evidence.FiniteFrames());
        var kept = evidence.Frames(evidence.FiniteFrames());
        Assert.Equal([1f, 2f, 5f, 6f], kept.Appearance);
        Assert.Equal([7f, 8f, 11f, 12f], kept.Patches);
        Assert.Equal([0.1f, 0.3f], kept.Divergence);
        Assert.Equal([3f, 5f], kept.Novelty);
        Assert.Equal(2, kept.Objects!.Length);
        Assert.Equal([0], (evidence with { Novelty = [3, 4, float.PositiveInfinity] }).FiniteFrames());
    }

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
        float[] Cells(float[] values, float scale) => values.SelectMany(r => Enumerable.Repeat(r * scale, settings.HeatmapCells)).ToArray();
        FrameEvidence Evidence(params float[] reconstruction) => new(Cells(reconstruction, 1), Cells(reconstruction, 2),
            reconstruction.Select(r => r * 3).ToArray(), reconstruction.Select(r => MathF.Log(r)).ToArray(), Cells(reconstruction, 0.5f),
            reconstruction.Select(r => 20 * r).ToArray());
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

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void An_error_is_judged_against_its_own_cell_so_one_unusual_there_outscores_one_normal_there(int pooledCells)
    {
        var settings = new ModelSettings();
        var cells = settings.HeatmapCells;
        const int busy = 0, quiet = 5;
        // Held-out footage: the busy cell (a near walker's place) always shows large errors, the rest small ones.
        float Error(int frame, int cell) => (float)((cell == busy ? 0.1 : 0.001) * (1 + 0.3 * Math.Sin(frame * 0.7 + cell * 1.3)));
        float[] Grid(int frames, Func<int, int, float> error) => Enumerable.Range(0, frames * cells).Select(i => error(i / cells, i % cells)).ToArray();
        FrameEvidence Evidence(float[] grid) => new(grid, grid, new float[grid.Length / cells], new float[grid.Length / cells], grid, new float[grid.Length / cells]);
        var calibration = ScoreCalibration.Fit([Evidence(Grid(300, Error))], settings, smoothingWindow: 1, quantile: 0.995, pooledCells);

        var usual = Evidence(Grid(1, (_, c) => c == busy ? 0.13f : 0.001f));
        var unusual = Evidence(Grid(1, (_, c) => c == quiet ? 0.13f : c == busy ? 0.1f : 0.001f));
        // Reconstruction evidence weighs ReconstructionWeight: one standard deviation of it is worth that much.
        Assert.True(calibration.Combine(unusual)[0] > calibration.Combine(usual)[0] + ScoreCalibration.ReconstructionWeight,
            $"unusual {calibration.Combine(unusual)[0]:F2}, usual {calibration.Combine(usual)[0]:F2}");
        Assert.True(calibration.Heatmap(unusual)[quiet] > calibration.Heatmap(usual)[busy], "the heatmap too judges a cell by its own normal");
    }

    [Fact]
    public void Novel_features_raise_a_frame_the_decoder_rebuilds_well_above_the_threshold()
    {
        var settings = new ModelSettings();
        var cells = settings.HeatmapCells;
        FrameEvidence Evidence(int frames, Func<int, float> novelty) => new(
            Enumerable.Range(0, frames * cells).Select(i => (float)(0.01 * (1 + 0.3 * Math.Sin(i * 0.37)))).ToArray(),
            Enumerable.Range(0, frames * cells).Select(i => (float)(0.02 * (1 + 0.3 * Math.Cos(i * 0.21)))).ToArray(),
            Enumerable.Range(0, frames).Select(i => (float)(1 + 0.2 * Math.Sin(i))).ToArray(),
            Enumerable.Range(0, frames).Select(i => (float)(-3 + 0.5 * Math.Cos(i))).ToArray(),
            Enumerable.Range(0, frames * cells).Select(i => 0.01f).ToArray(),
            Enumerable.Range(0, frames).Select(novelty).ToArray());
        var calibration = ScoreCalibration.Fit([Evidence(300, i => (float)(9 + Math.Sin(i * 0.9)))], settings, smoothingWindow: 1, quantile: 0.995);

        // The same reconstruction, KL and segment evidence as normal footage; only the features are new.
        var scores = calibration.Calibrate(calibration.Combine(Evidence(3, i => i == 2 ? 20f : 9f)));
        Assert.True(scores[0] < calibration.Threshold && scores[1] < calibration.Threshold);
        Assert.True(scores[2] > calibration.Threshold + 3, $"novel frame {scores[2]:F2}, threshold {calibration.Threshold:F2}");
    }

    [Fact]
    public void A_cell_whose_normal_error_never_changes_does_not_explode_the_score()
    {
        var settings = new ModelSettings();
        var cells = settings.HeatmapCells;
        // Cell 0 is constant in held-out footage; the others vary by about 30%.
        var grid = Enumerable.Range(0, 300 * cells).Select(i => i % cells == 0 ? 0.01f : (float)(0.01 * (1 + 0.3 * Math.Sin(i * 0.37)))).ToArray();
        var calibration = ScoreCalibration.Fit([new FrameEvidence(grid, grid, new float[300], new float[300], grid, new float[300])], settings, 1, 0.995);
        var z = calibration.AppearanceCells.Z(0, Math.Log(0.02));
        Assert.InRange(z, 1, 10); // twice its usual error: notable, not millions of standard deviations
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
