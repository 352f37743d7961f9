using STADNet.Client.Hosting;
using STADNet.Model;
using STADNet.Tests.Support;

namespace STADNet.Tests.Cli;

/// <summary>The <c>stadnet calibrate</c> command as a user runs it.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class CalibrateCliTests
{
    private static Task<(int Exit, string Out, string Error)> RunAsync(params string[] args) => CliRunner.RunAsync(args);

    [Fact]
    public async Task An_old_format_checkpoint_is_recalibrated_into_a_current_one_with_the_same_learned_weights_and_its_own_normal_features()
    {
        using var temp = new TempFolder();
        for (var i = 0; i < 2; i++) SyntheticFootage.Walkway(temp.Combine("normal", $"{i}.mp4"), 60);
        File.WriteAllBytes(temp.Combine("old.ckpt"), await CheckpointBytes.WithoutNormalFeatures(ShippedModel.Path, 3));

        var (exit, output, error) = await RunAsync("calibrate", temp.Combine("normal"), "--model", temp.Combine("old.ckpt"), "--out", temp.Combine("new.ckpt"));

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
        // Learned weights stay; the normal features are refitted on this footage, a walkway Ped2 never showed.
        Assert.Equal(["normality.mean", "normality.precision", "normality.samples"], changed);
        Assert.True(unchanged > 20);
        Assert.Equal(shipped.Header.Training, recalibrated.Header.Training);
        Assert.Equal(ScoreCalibration.DefaultPooledCells, recalibrated.Header.Calibration.PooledCells);
    }

    [Fact]
    public async Task Too_little_footage_and_a_bad_pooled_cell_count_are_refused_with_clear_messages()
    {
        using var temp = new TempFolder();
        SyntheticFootage.Walkway(temp.Combine("normal", "0.mp4"), 30);
        var (exit, _, error) = await RunAsync("calibrate", temp.Combine("normal"), "--out", temp.Combine("new.ckpt"));
        Assert.Equal(2, exit);
        Assert.Contains("not enough footage", error);

        (exit, _, error) = await RunAsync("calibrate", temp.Combine("normal"), "--out", temp.Combine("new.ckpt"), "--pooled-cells", "0");
        Assert.Equal(2, exit);
        Assert.Contains("--pooled-cells", error);
        Assert.False(File.Exists(temp.Combine("new.ckpt")));
    }
}
