using STADNet.Model;
using STADNet.Tests.Support;

namespace STADNet.Tests.Cli;

// In-process CLI runs swap the console: never beside another test that does (ConsoleCollection).
[Collection(ConsoleCollection.Name)]
public sealed class TrainCliTests
{
    private static Task<(int Exit, string Out, string Error)> RunAsync(params string[] args) => CliRunner.RunAsync(args);

    [Fact]
    public async Task Input_size_sets_the_network_size_and_keeps_flow_at_least_192_wide()
    {
        using var temp = new TempFolder();
        // 80 frames a video make two mini-batches, so one batch that comes out not finite does not stop the run.
        for (var i = 0; i < 2; i++) SyntheticFootage.Walkway(temp.Combine("normal", $"{i}.mp4"), 80);
        var (exit, output, error) = await RunAsync("train", temp.Combine("normal"), "--out", temp.Combine("small.ckpt"), "--epochs", "1", "--input", "48x32",
            "--held-out-clips", "16");
        Assert.True(exit == 0, error);
        Assert.Contains("at 48x32", output);
        var checkpoint = Checkpoint.Load(temp.Combine("small.ckpt"));
        var settings = checkpoint.Header.Settings;
        Assert.Equal((48, 32), (settings.Width, settings.Height));
        Assert.Equal((192, 128), (settings.DecodeWidth, settings.DecodeHeight));
        Assert.Equal((12, 8), (settings.HeatmapColumns, settings.HeatmapRows));
        Assert.True(checkpoint.Header.Training!.HeldOutAuc is > 0.5, "the epoch check ran at that size");
    }

    [Fact]
    public void The_default_input_size_is_the_default_model_and_a_larger_one_decodes_at_its_own_size()
    {
        Assert.Equal(new ModelSettings(), ModelSettings.AtSize(96, 64));
        var large = ModelSettings.AtSize(192, 128);
        Assert.Equal((1, 16), (large.DecodeScale, large.PatchSize));
        Assert.Equal(new ModelSettings().HeatmapCells, large.HeatmapCells);
    }

    [Fact]
    public async Task A_held_out_check_without_pseudo_anomalies_is_refused_before_any_work()
    {
        using var temp = new TempFolder();
        SyntheticFootage.Walkway(temp.Combine("normal", "0.mp4"), 30);
        var (exit, _, error) = await RunAsync("train", temp.Combine("normal"), "--out", temp.Combine("x.ckpt"), "--held-out-clips", "0");
        Assert.Equal(2, exit);
        Assert.Contains("--held-out-clips must be at least 1", error);
        Assert.False(File.Exists(temp.Combine("x.ckpt")));
    }

    [Theory]
    [InlineData("100x64", "multiples of 8")]
    [InlineData("big", "--input must be WIDTHxHEIGHT")]
    [InlineData("96x-64", "--input must be WIDTHxHEIGHT")]
    public async Task A_bad_input_size_is_refused_with_a_clear_message_before_any_work(string size, string message)
    {
        using var temp = new TempFolder();
        SyntheticFootage.Walkway(temp.Combine("normal", "0.mp4"), 30);
        var (exit, _, error) = await RunAsync("train", temp.Combine("normal"), "--out", temp.Combine("x.ckpt"), "--input", size);
        Assert.Equal(2, exit);
        Assert.Contains(message, error);
        Assert.False(File.Exists(temp.Combine("x.ckpt")));
    }
}
