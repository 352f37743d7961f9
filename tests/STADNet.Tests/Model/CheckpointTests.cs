using STADNet.Client.Hosting;
using STADNet.Model;
using STADNet.Tests.Support;

namespace STADNet.Tests.Model;

public sealed class CheckpointTests
{
    [Fact]
    public void The_shipped_checkpoint_loads_with_its_calibration_and_training_record()
    {
        var checkpoint = Checkpoint.Load(ShippedModel.Path);
        Assert.Equal(12, checkpoint.Id.Length);
        var calibration = checkpoint.Header.Calibration;
        Assert.True(calibration.Std > 0);
        var cells = checkpoint.Header.Settings.HeatmapCells;
        Assert.All(new[] { calibration.AppearanceCells, calibration.MotionCells!, calibration.Heat }, c =>
        {
            Assert.Equal(cells, c.Cells);
            Assert.All(c.Std, s => Assert.True(s > 0 && double.IsFinite(s)));
        });
        Assert.True(double.IsFinite(calibration.Threshold));
        Assert.True(calibration.Novelty.Std > 1e-3 && double.IsFinite(calibration.Novelty.Mean));
        Assert.NotNull(checkpoint.Header.Training);
        Assert.Contains("ucsd-ped2", checkpoint.Header.Training!.Data);
    }

    [Fact]
    public void A_checkpoint_with_a_flipped_byte_is_refused_as_corrupt()
    {
        using var temp = new TempFolder();
        var bytes = File.ReadAllBytes(ShippedModel.Path);
        bytes[^100] ^= 0x01;
        File.WriteAllBytes(temp.Combine("x.ckpt"), bytes);
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(temp.Combine("x.ckpt")));
        Assert.Contains("corrupt", error.Message);
    }

    [Fact]
    public void A_checkpoint_of_an_unknown_format_version_is_refused_by_version()
    {
        using var temp = new TempFolder();
        var bytes = File.ReadAllBytes(ShippedModel.Path);
        BitConverter.GetBytes(99).CopyTo(bytes, 8);
        File.WriteAllBytes(temp.Combine("x.ckpt"), bytes);
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(temp.Combine("x.ckpt")));
        Assert.Contains("version 99", error.Message);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task An_older_checkpoint_is_refused_for_scoring_with_the_way_to_recalibrate_it_but_its_weights_still_read(int version)
    {
        using var temp = new TempFolder();
        var path = temp.Combine("old.ckpt");
        File.WriteAllBytes(path, await CheckpointBytes.AsOlderFormat(ShippedModel.Path, version));
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
        Assert.Contains($"version {version}", error.Message);
        Assert.Contains("stadnet calibrate", error.Message);

        var weights = Checkpoint.LoadWeights(path);
        var current = Checkpoint.Load(ShippedModel.Path);
        Assert.Equal(version, weights.Version);
        Assert.Equal(current.Header.Settings, weights.Settings);
        Assert.Equal(current.Header.Training, weights.Training);
        var (samples, objects, differing) = await ModelThread.Run(() =>
        {
            using var old = weights.CreateModel();
            using var shipped = current.CreateModel();
            var learned = shipped.state_dict();
            string[] unread = ["objects.", "normality."];
            return (old.Normality.Samples, old.Objects.Count,
                old.state_dict().Count(p => !unread.Any(u => p.Key.StartsWith(u)) && !p.Value.allclose(learned[p.Key], rtol: 0, atol: 0)));
        });
        // Nothing to read: calibrate fits them.
        Assert.Equal(0, samples);
        Assert.Equal(0, objects);
        Assert.Equal(0, differing);
        File.WriteAllBytes(path, CheckpointBytes.WithVersion(File.ReadAllBytes(ShippedModel.Path), 1));
        Assert.Contains($"versions 2 to {Checkpoint.FormatVersion}", Assert.Throws<CheckpointException>(() => Checkpoint.LoadWeights(path)).Message);
    }

    [Fact]
    public async Task A_format_4_checkpoint_scores_as_it_is_and_as_the_same_model_saved_in_todays_format()
    {
        using var temp = new TempFolder();
        var old = await OlderFormatAsync(temp, 4);
        var settings = old.Header.Settings;
        const int frames = 12;
        var pixels = RandomFrames(settings, frames, seed: 5);
        var today = temp.Combine("today.ckpt");
        var (memory, before, after) = await ModelThread.Run(() =>
        {
            using var a = old.CreateModel();
            Checkpoint.Save(today, old.Header, a);
            using var b = Checkpoint.Load(today).CreateModel();
            return (a.Objects.Count, FrameScorer.ScoreRaw(a, settings, pixels, frames, 0), FrameScorer.ScoreRaw(b, settings, pixels, frames, 0));
        });
        Assert.Equal(Checkpoint.FormatVersion, Checkpoint.Load(today).Version);
        Assert.Equal(0, memory); // a format-4 file has no object memory
        Assert.Equal(before.Novelty, after.Novelty);
        Assert.Equal(old.Header.Calibration.Combine(before), Checkpoint.Load(today).Header.Calibration.Combine(after));
    }

    [Fact]
    public async Task A_format_5_checkpoint_scores_as_it_is_without_the_speed_term()
    {
        using var temp = new TempFolder();
        var old = await OlderFormatAsync(temp, 5);
        Assert.Null(old.Header.Calibration.Speeds);
        var settings = old.Header.Settings;
        const int frames = 12;
        var pixels = RandomFrames(settings, frames, seed: 7);
        var (memory, directions, evidence) = await ModelThread.Run(() =>
        {
            using var model = old.CreateModel();
            return (model.Objects.Count, model.Objects.ComparesDirections, FrameScorer.ScoreRaw(model, settings, pixels, frames, 0));
        });
        Assert.True(memory > 0, "a format-5 file keeps its object memory");
        Assert.False(directions, "a format-5 file's memory held raw features and is compared as such");
        Assert.All(old.Header.Calibration.CombineFrames(evidence), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public async Task A_format_6_object_memory_is_compared_as_the_raw_features_it_holds_and_todays_as_directions()
    {
        using var temp = new TempFolder();
        var old = await OlderFormatAsync(temp, 6);
        var today = Checkpoint.Load(ShippedModel.Path);
        var (oldDirections, oldScored, oldRaw, todayDirections, todayScored, todayUnit) = await ModelThread.Run(() =>
        {
            using var before = old.CreateModel();
            using var now = today.CreateModel();
            using var scope = TorchSharp.torch.NewDisposeScope();
            var memory = now.state_dict()["objects.memory"][..now.Objects.Count];
            // Windows three times as strong as the remembered ones: raw distances see the strength, directions do not.
            var windows = memory[..4] * 3f;
            float[] Values(TorchSharp.torch.Tensor t) => t.data<float>().ToArray();
            return (before.Objects.ComparesDirections, Values(before.Objects.forward(windows)),
                Values(TorchSharp.torch.cdist(windows, memory).amin(1)),
                now.Objects.ComparesDirections, Values(now.Objects.forward(windows)),
                Values(TorchSharp.torch.cdist(TorchSharp.torch.nn.functional.normalize(windows, dim: 1), memory).amin(1)));
        });
        Assert.False(oldDirections);
        Assert.Equal(oldRaw, oldScored);
        Assert.All(oldScored, d => Assert.True(d > 1f, $"a raw distance of a window three times as strong is about 2 (got {d})"));
        Assert.True(todayDirections);
        Assert.Equal(todayUnit, todayScored);
        Assert.All(todayScored, d => Assert.Equal(0f, d, 2));
    }

    [Fact]
    public async Task A_checkpoint_whose_normal_features_were_never_fitted_is_refused_with_the_way_to_fit_them()
    {
        using var temp = new TempFolder();
        var shipped = Checkpoint.Load(ShippedModel.Path);
        var path = temp.Combine("unfitted.ckpt");
        await ModelThread.Run(() =>
        {
            using var untrained = new STADNet.Model.Modules.StadNet("stadnet", shipped.Header.Settings);
            Checkpoint.Save(path, shipped.Header, untrained);
            return 0;
        });
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
        Assert.Contains("no normal features", error.Message);
        Assert.Contains("stadnet calibrate", error.Message);
    }

    [Fact]
    public void Files_that_are_not_checkpoints_are_refused()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.Combine("x.ckpt"), "hello");
        Assert.Throws<CheckpointException>(() => Checkpoint.Load(temp.Combine("x.ckpt")));
        Assert.Throws<CheckpointException>(() => Checkpoint.Load(temp.Combine("missing.ckpt")));
        var truncated = File.ReadAllBytes(ShippedModel.Path)[..4096];
        File.WriteAllBytes(temp.Combine("t.ckpt"), truncated);
        Assert.Throws<CheckpointException>(() => Checkpoint.Load(temp.Combine("t.ckpt")));
    }

    [Fact]
    public async Task A_saved_and_reloaded_checkpoint_scores_identically()
    {
        using var temp = new TempFolder();
        var original = Checkpoint.Load(ShippedModel.Path);
        var settings = original.Header.Settings;
        const int frames = 20;
        var pixels = RandomFrames(settings, frames, seed: 3);

        var copy = temp.Combine("copy.ckpt");
        var again = temp.Combine("again.ckpt");
        var (before, after) = await ModelThread.Run(() =>
        {
            using var model = original.CreateModel();
            var (speeds, glides) = (original.Header.Calibration.UsesSpeeds, original.Header.Calibration.UsesGlides);
            var scores = FrameScorer.ScoreRaw(model, settings, pixels, frames, 0, speeds: speeds, glides: glides);
            Checkpoint.Save(copy, original.Header, model);
            using var reloaded = Checkpoint.Load(copy).CreateModel();
            Checkpoint.Save(again, original.Header, reloaded);
            return (scores, FrameScorer.ScoreRaw(reloaded, settings, pixels, frames, 0, speeds: speeds, glides: glides));
        });

        foreach (var (a, b) in new[] { (before.Appearance, after.Appearance), (before.Motion, after.Motion),
                     (before.Divergence, after.Divergence), (before.Segment, after.Segment), (before.Patches, after.Patches), (before.Speeds, after.Speeds), (before.Glides, after.Glides),
                     (before.Novelty, after.Novelty) })
            Assert.Equal(a, b);
        var calibration = original.Header.Calibration;
        Assert.Equal(calibration.Calibrate(calibration.Combine(before)), calibration.Calibrate(calibration.Combine(after)));
        // The same model and header make the same file (an older format's file is rewritten in today's).
        Assert.Equal(Checkpoint.Load(copy).Id, Checkpoint.Load(again).Id);
        if (original.Version == Checkpoint.FormatVersion) Assert.Equal(original.Id, Checkpoint.Load(copy).Id);
    }

    /// <summary>The shipped checkpoint as a file of an older <paramref name="version"/>, loaded.</summary>
    private static async Task<Checkpoint> OlderFormatAsync(TempFolder temp, int version)
    {
        var path = temp.Combine($"v{version}.ckpt");
        File.WriteAllBytes(path, await CheckpointBytes.AsOlderFormat(ShippedModel.Path, version));
        var old = Checkpoint.Load(path);
        Assert.Equal(version, old.Version);
        return old;
    }

    /// <summary>Noise frames at the model's decode size: scoring needs no real footage to compare two models.</summary>
    private static byte[] RandomFrames(ModelSettings settings, int frames, int seed)
    {
        var pixels = new byte[frames * settings.BytesPerFrame];
        new Random(seed).NextBytes(pixels);
        return pixels;
    }
}
