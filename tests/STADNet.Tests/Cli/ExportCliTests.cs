using System.CommandLine;
using System.IO.Compression;
using System.Text.Json;
using STADNet.Client;
using STADNet.Client.Hosting;
using STADNet.Model;
using STADNet.Tests.Support;
using TorchSharp;
using TorchSharp.PyBridge;

namespace STADNet.Tests.Cli;

/// <summary><c>stadnet export</c>: the file it writes is a real PyTorch state dict of the checkpoint's weights.</summary>
public sealed class ExportCliTests
{
    private static async Task<(int Exit, string Out, string Error)> RunAsync(params string[] args)
    {
        // The command writes to the invocation's writers, so nothing global is swapped while other tests run.
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await StadnetCli.Build().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>PyTorch's <c>torch.equal</c> (same shape, same elements): TorchSharp's <c>torch.equal</c> is the element-wise <c>eq</c>.</summary>
    private static bool TorchEqual(torch.Tensor a, torch.Tensor b) => a.Equals(b);

    [Fact]
    public async Task Export_writes_a_pytorch_state_dict_that_loads_back_into_the_same_network_exactly()
    {
        using var temp = new TempFolder();
        var weights = temp.Combine("export", "stadnet.pt");
        var description = temp.Combine("export", "stadnet.json");

        var (exit, output, error) = await RunAsync("export", ShippedModel.Path, "--out", weights);

        Assert.True(exit == 0, error);
        Assert.Contains($"wrote {weights}", output);
        Assert.Contains($"wrote {description}", output);

        // PyTorch's format since 1.6: a zip holding <archive>/data.pkl, <archive>/version and one <archive>/data/<n> per storage.
        using (var zip = ZipFile.OpenRead(weights))
        {
            Assert.Contains(zip.Entries, e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal));
            Assert.Contains(zip.Entries, e => e.FullName.EndsWith("/version", StringComparison.Ordinal));
        }

        var checkpoint = Checkpoint.Load(ShippedModel.Path);
        var (keys, shapes, mismatches, unchangedBeforeLoad) = await ModelThread.Run(() =>
        {
            using torch.nn.Module original = checkpoint.CreateModel();
            // A second network of the same settings, every state entry overwritten with a value no trained
            // tensor holds, so only load_py can make it equal to the original again.
            using torch.nn.Module reloaded = checkpoint.CreateModel();
            using (torch.no_grad())
                foreach (var tensor in reloaded.state_dict().Values) tensor.fill_(12345);
            var expected = original.state_dict();
            var unchanged = expected.Where(e => TorchEqual(e.Value, reloaded.state_dict()[e.Key])).Select(e => e.Key).ToList();

            reloaded.load_py(weights, strict: true);

            var actual = reloaded.state_dict();
            var differing = expected.Where(e => !actual.TryGetValue(e.Key, out var t) || !TorchEqual(e.Value, t)).Select(e => e.Key).ToList();
            differing.AddRange(reloaded.named_parameters().Where(p => !TorchEqual(p.parameter, expected[p.name])).Select(p => "parameter " + p.name));
            return (expected.Keys.ToList(), expected.ToDictionary(e => e.Key, e => e.Value.shape), differing, unchanged);
        });

        Assert.NotEmpty(keys);
        Assert.Empty(unchangedBeforeLoad);
        Assert.Empty(mismatches);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(description));
        var root = json.RootElement;
        var header = checkpoint.Header;
        Assert.Equal("stadnet.pt", root.GetProperty("weights").GetString());
        Assert.Equal(checkpoint.Id, root.GetProperty("modelId").GetString());
        Assert.Equal(header.Calibration.Threshold, root.GetProperty("threshold").GetDouble());
        Assert.Equal(header.Calibration.Mean, root.GetProperty("calibration").GetProperty("mean").GetDouble());
        Assert.Equal(header.Calibration.Std, root.GetProperty("calibration").GetProperty("std").GetDouble());
        var settings = root.GetProperty("settings");
        Assert.Equal(header.Settings.Width, settings.GetProperty("width").GetInt32());
        Assert.Equal(header.Settings.Height, settings.GetProperty("height").GetInt32());
        Assert.Equal(header.Settings.ClipFrames, settings.GetProperty("clipFrames").GetInt32());
        Assert.Equal(header.Settings.BaseChannels, settings.GetProperty("baseChannels").GetInt32());
        Assert.Equal(header.Settings.LatentChannels, settings.GetProperty("latentChannels").GetInt32());
        Assert.Equal(
            [1L, header.Settings.InputChannels, header.Settings.ClipFrames, header.Settings.Height, header.Settings.Width],
            root.GetProperty("inputShape").EnumerateArray().Select(v => v.GetInt64()));
        var listed = root.GetProperty("stateDict").EnumerateArray()
            .ToDictionary(e => e.GetProperty("key").GetString()!, e => e.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).ToArray());
        Assert.Equal(keys.Order(), listed.Keys.Order());
        foreach (var key in keys) Assert.Equal(shapes[key], listed[key]);
    }

    [Fact]
    public async Task Export_of_a_corrupt_checkpoint_exits_2_with_one_line_and_writes_nothing()
    {
        using var temp = new TempFolder();
        var bytes = File.ReadAllBytes(ShippedModel.Path);
        bytes[bytes.Length / 2] ^= 0x5A;
        File.WriteAllBytes(temp.Combine("bad.ckpt"), bytes);

        var (exit, output, error) = await RunAsync("export", temp.Combine("bad.ckpt"), "--out", temp.Combine("out", "x.pt"));

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains("corrupt", line);
        Assert.False(Directory.Exists(temp.Combine("out")));
    }

    [Fact]
    public async Task Export_of_a_missing_checkpoint_exits_2_with_one_line()
    {
        using var temp = new TempFolder();

        var (exit, _, error) = await RunAsync("export", temp.Combine("nowhere.ckpt"), "--out", temp.Combine("x.pt"));

        Assert.Equal(2, exit);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("checkpoint not found", line);
        Assert.False(File.Exists(temp.Combine("x.pt")));
    }
}
