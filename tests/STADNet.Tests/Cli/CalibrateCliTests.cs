using STADNet.Client.Hosting;
using STADNet.Model;
using STADNet.Tests.Support;

namespace STADNet.Tests.Cli;

/// <summary>The <c>stadnet calibrate</c> command as a user runs it.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class CalibrateCliTests
{
    private static Task<(int Exit, string Out, string Error)> RunAsync(params string[] args) => CliRunner.RunAsync(args);

    /// <summary><c>stadnet calibrate</c> with a held-out check of 16 pseudo-anomalies a kind rather than 80, to keep the suite quick.</summary>
    private static Task<(int Exit, string Out, string Error)> CalibrateAsync(params string[] args) =>
        RunAsync(["calibrate", .. args, "--held-out-clips", "16"]);

    [Fact]
    public async Task An_old_format_checkpoint_is_recalibrated_into_a_current_one_with_the_same_learned_weights_and_its_own_normal_features()
    {
        using var temp = new TempFolder();
        for (var i = 0; i < 2; i++) SyntheticFootage.Walkway(temp.Combine("normal", $"{i}.mp4"), 60);
        File.WriteAllBytes(temp.Combine("old.ckpt"), await CheckpointBytes.AsOlderFormat(ShippedModel.Path, 3));

        var (exit, output, error) = await CalibrateAsync(temp.Combine("normal"), "--model", temp.Combine("old.ckpt"), "--out", temp.Combine("new.ckpt"));

        Assert.True(exit == 0, error);
        Assert.Contains("held-out AUC", output);
        var recalibrated = Checkpoint.Load(temp.Combine("new.ckpt"));
        var shipped = Checkpoint.Load(ShippedModel.Path);
        var (changed, unchanged) = await ModelThread.Run(() =>
        {
            using var before = shipped.CreateModel();
            using var after = recalibrated.CreateModel();
            var old = before.state_dict();
            var differs = after.state_dict().Where(p => !p.Value.allclose(old[p.Key], rtol: 0, atol: 0)).Select(p => p.Key).Order().ToList();
            return (differs, old.Count - differs.Count);
        });
        // Learned weights stay; the normal features are refitted on this footage, a walkway Ped2 never showed, and the
        // shipped memory of Ped2's moving windows is emptied, since object novelty was not asked for.
        string[] refitted = shipped.Header.Calibration.UsesObjects
            ? ["normality.mean", "normality.precision", "normality.samples", "objects.count", "objects.directions", "objects.memory"]
            : ["normality.mean", "normality.precision", "normality.samples"];
        Assert.Equal(refitted, changed);
        Assert.True(unchanged > 20);
        Assert.Equal(shipped.Header.Training, recalibrated.Header.Training);
        Assert.Equal(ScoreCalibration.DefaultPooledCells, recalibrated.Header.Calibration.PooledCells);
        Assert.Null(recalibrated.Header.Calibration.Objects); // object novelty is asked for, not given
    }

    [Fact]
    public async Task Object_novelty_joins_the_score_on_request_and_sees_an_intruder_the_walkers_never_resembled()
    {
        using var temp = new TempFolder();
        for (var i = 0; i < 2; i++) SyntheticFootage.Walkway(temp.Combine("normal", $"{i}.mp4"), 60);
        var (exit, output, error) = await CalibrateAsync(temp.Combine("normal"), "--out", temp.Combine("objects.ckpt"), "--object-weight", "1");
        Assert.True(exit == 0, error);
        Assert.Contains("held-out AUC", output);
        Assert.Contains("object novelty at weight 1", output);
        var checkpoint = Checkpoint.Load(temp.Combine("objects.ckpt"));
        Assert.Equal(1, checkpoint.Header.Calibration.ObjectWeight);
        Assert.NotNull(checkpoint.Header.Calibration.Objects);

        // A bright block crosses frames 30 to 49; the scan's own path gives every sampled frame its object evidence.
        var intruder = await TrainingFootage.DecodeAsync(SyntheticFootage.Walkway(temp.Combine("test", "intruder.mp4"), 80, anomaly: (30, 49)),
            checkpoint.Header.Settings, objectFrames: true);
        var (remembered, evidence) = await ModelThread.Run(() =>
        {
            using var model = checkpoint.CreateModel();
            using var backbone = STADNet.Model.Pretrained.ImageNetBackbone.LoadDefault();
            return (model.Objects.Count, FrameScorer.ScoreRaw(model, checkpoint.Header.Settings, intruder.Pixels, intruder.FrameCount, 1,
                backbone: backbone, objectPixels: intruder.ObjectPixels).Objects!);
        });
        Assert.True(remembered > 0);
        var sampled = ObjectNovelty.SampledFrames(1, intruder.FrameCount).Select(f => f - 1).ToList(); // evidence starts after the context frame
        var during = sampled.Where(f => f + 1 is >= 32 and <= 47).Select(f => evidence[f]).ToList();
        var before = sampled.Where(f => f + 1 < 28).Select(f => evidence[f]).ToList();
        Assert.NotEmpty(during);
        Assert.True(during.Min() > before.Max(), $"intruder {string.Join(", ", during)} against walkers {string.Join(", ", before)}");

        (exit, output, error) = await RunAsync("scan", temp.Combine("test"), "--out", temp.Combine("out"), "--model", temp.Combine("objects.ckpt"));
        Assert.True(exit == 0, error);
        Assert.All(Reports.ReadAll(temp.Combine("out")).Single().FrameScores, s => Assert.True(s is { } v && float.IsFinite(v)));
    }

    [Fact]
    public async Task Object_weight_auto_compares_every_candidate_on_the_held_out_check_and_keeps_the_best()
    {
        using var temp = new TempFolder();
        for (var i = 0; i < 2; i++) SyntheticFootage.Walkway(temp.Combine("normal", $"{i}.mp4"), 60);
        var (exit, output, error) = await CalibrateAsync(temp.Combine("normal"), "--out", temp.Combine("auto.ckpt"), "--object-weight", "auto",
            "--speed-weight", "auto", "--glide-weight", "auto");
        Assert.True(exit == 0, error);
        var candidates = PrintedChecks(output, "object weight ([0-9.]+)").Select(c => (Weight: Number(c.Setting), c.Auc)).ToList();
        Assert.Equal(Trainer.ObjectWeightCandidates, candidates.Select(c => c.Weight));
        // The checkpoint records every candidate; the best (the smallest weight on a tie, within HeldOutTie) is the one in the score.
        var checkpoint = Checkpoint.Load(temp.Combine("auto.ckpt"));
        var calibration = checkpoint.Header.Calibration;
        var checks = calibration.ObjectWeightChecks!;
        Assert.Equal(candidates.Select(c => c.Auc), checks.Select(c => Math.Round(c.HeldOutAuc!.Value, 4)));
        var best = checks.First(c => c.HeldOutAuc >= checks.Max(x => x.HeldOutAuc) - Trainer.HeldOutTie);
        Assert.Equal(best.Weight, calibration.UsesObjects ? calibration.ObjectWeight : 0);
        Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"held-out AUC, normal against pseudo-anomalous frames (cross-fitted): {best.HeldOutAuc:F4}"), output);
        // Left out, the memory is not kept in the file either.
        var remembered = await ModelThread.Run(() =>
        {
            using var model = checkpoint.CreateModel();
            return model.Objects.Count;
        });
        Assert.Equal(calibration.UsesObjects, remembered > 0);
        Assert.Equal(calibration.UsesObjects, calibration.Objects is not null);

        // The speed weight is chosen with it: every candidate at the object weight kept, the best in the score.
        var speeds = PrintedChecks(output, "speed weight ([0-9.]+)").Select(c => Number(c.Setting)).ToList();
        Assert.Equal(Trainer.SpeedWeightCandidates, speeds);
        var speedChecks = calibration.SpeedWeightChecks!;
        Assert.Contains(speedChecks, c => c.HeldOutAuc == best.HeldOutAuc);
        var bestSpeed = speedChecks.First(c => c.HeldOutAuc == best.HeldOutAuc);
        Assert.Equal(bestSpeed.Weight, calibration.Speeds is null ? 0 : calibration.SpeedWeight);

        // So is the glide weight, on a check that gains gliding walkers for it.
        var glides = PrintedChecks(output, "glide weight ([0-9.]+)").Select(c => Number(c.Setting)).ToList();
        Assert.Equal(Trainer.GlideWeightCandidates, glides);
        var bestGlide = calibration.GlideWeightChecks!.First(c => c.HeldOutAuc == best.HeldOutAuc);
        Assert.Equal(bestGlide.Weight, calibration.UsesGlides ? calibration.GlideWeight : 0);
        Assert.Contains(calibration.UsesGlides ? "mover glide at weight" : "mover glide left out: it did not separate", output);
        if (calibration.UsesGlides) Assert.Equal(MoverGlide.DefaultMovingShare, calibration.Glides!.MovingShare);
    }

    [Fact]
    public async Task Crowd_auto_compares_the_score_with_and_without_the_crowd_correction_and_keeps_what_the_check_prefers()
    {
        using var temp = new TempFolder();
        for (var i = 0; i < 2; i++) SyntheticFootage.Walkway(temp.Combine("normal", $"{i}.mp4"), 60);
        var (exit, output, error) = await CalibrateAsync(temp.Combine("normal"), "--out", temp.Combine("crowd.ckpt"), "--crowd", "auto");
        Assert.True(exit == 0, error);
        var printed = PrintedChecks(output, "crowd correction (on|off)").ToDictionary(c => c.Setting == "on", c => c.Auc);
        Assert.Equal(2, printed.Count);
        var calibration = Checkpoint.Load(temp.Combine("crowd.ckpt")).Header.Calibration;
        Assert.Equal(2, calibration.CrowdChecks!.Count);
        // On only when it separates better by more than a tie; then the checkpoint holds what it takes off.
        Assert.Equal(printed[true] > printed[false] + Trainer.HeldOutTie, calibration.Crowd is not null);
        Assert.Contains(calibration.Crowd is null ? "crowd correction off" : "crowd correction on: feature novelty", output);

        (exit, output, error) = await CalibrateAsync(temp.Combine("normal"), "--out", temp.Combine("plain.ckpt"));
        Assert.True(exit == 0, error);
        Assert.Contains("crowd correction off", output);
        Assert.Null(Checkpoint.Load(temp.Combine("plain.ckpt")).Header.Calibration.Crowd);
    }

    [Fact]
    public async Task By_default_the_speed_term_is_left_out_and_a_fixed_weight_is_kept()
    {
        using var temp = new TempFolder();
        for (var i = 0; i < 2; i++) SyntheticFootage.Walkway(temp.Combine("normal", $"{i}.mp4"), 60);
        var (exit, output, error) = await CalibrateAsync(temp.Combine("normal"), "--out", temp.Combine("none.ckpt"));
        Assert.True(exit == 0, error);
        Assert.Contains("mover speed left out", output);
        Assert.Null(Checkpoint.Load(temp.Combine("none.ckpt")).Header.Calibration.Speeds);

        (exit, output, error) = await CalibrateAsync(temp.Combine("normal"), "--out", temp.Combine("fixed.ckpt"), "--speed-weight", "0.5");
        Assert.True(exit == 0, error);
        Assert.Contains("mover speed at weight 0.5", output);
        var calibration = Checkpoint.Load(temp.Combine("fixed.ckpt")).Header.Calibration;
        Assert.Equal(0.5, calibration.SpeedWeight);
        Assert.All(calibration.Speeds!.RowScales, scale => Assert.True(scale > 0));
        Assert.Null(calibration.SpeedWeightChecks);
    }

    [Fact]
    public async Task Too_little_footage_and_bad_pooled_cell_counts_or_weights_are_refused_with_clear_messages()
    {
        using var temp = new TempFolder();
        SyntheticFootage.Walkway(temp.Combine("normal", "0.mp4"), 30);
        var (exit, _, error) = await CalibrateAsync(temp.Combine("normal"), "--out", temp.Combine("new.ckpt"));
        Assert.Equal(2, exit);
        Assert.Contains("not enough footage", error);

        (exit, _, error) = await CalibrateAsync(temp.Combine("normal"), "--out", temp.Combine("new.ckpt"), "--pooled-cells", "0");
        Assert.Equal(2, exit);
        Assert.Contains("--pooled-cells", error);
        foreach (var weight in new[] { "-1", "lots" })
        {
            (exit, _, error) = await CalibrateAsync(temp.Combine("normal"), "--out", temp.Combine("new.ckpt"), "--object-weight", weight);
            Assert.Equal(2, exit);
            Assert.Contains("--object-weight must be auto or a number", error);
            (exit, _, error) = await CalibrateAsync(temp.Combine("normal"), "--out", temp.Combine("new.ckpt"), "--speed-weight", weight);
            Assert.Equal(2, exit);
            Assert.Contains("--speed-weight must be auto or a number", error);
            (exit, _, error) = await CalibrateAsync(temp.Combine("normal"), "--out", temp.Combine("new.ckpt"), "--glide-weight", weight);
            Assert.Equal(2, exit);
            Assert.Contains("--glide-weight must be auto or a number", error);
        }
        foreach (var share in new[] { "0", "1.5" })
        {
            (exit, _, error) = await CalibrateAsync(temp.Combine("normal"), "--out", temp.Combine("new.ckpt"), "--glide-share", share);
            Assert.Equal(2, exit);
            Assert.Contains("--glide-share must be above 0 and at most 1", error);
        }
        (exit, _, error) = await CalibrateAsync(temp.Combine("normal"), "--out", temp.Combine("new.ckpt"), "--crowd", "maybe");
        Assert.Equal(2, exit);
        Assert.Contains("--crowd must be yes, no or auto", error);
        (exit, _, error) = await RunAsync("calibrate", temp.Combine("normal"), "--out", temp.Combine("new.ckpt"), "--held-out-clips", "0");
        Assert.Equal(2, exit);
        Assert.Contains("--held-out-clips must be at least 1", error);
        Assert.False(File.Exists(temp.Combine("new.ckpt")));
    }

    /// <summary>The candidates calibrate printed as "<paramref name="setting"/>: held-out AUC x", in order: the setting's first group and the AUC.</summary>
    private static List<(string Setting, double Auc)> PrintedChecks(string output, string setting) =>
        output.Split('\n').Select(l => System.Text.RegularExpressions.Regex.Match(l, setting + @": held-out AUC ([0-9.]+)")).Where(m => m.Success)
            .Select(m => (m.Groups[1].Value, Number(m.Groups[2].Value))).ToList();

    private static double Number(string text) => double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
}
