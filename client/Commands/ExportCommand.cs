using System.CommandLine;
using System.Text.Json;
using STADNet.Client.Export;
using STADNet.Model;
using TorchSharp;
using TorchSharp.PyBridge;

namespace STADNet.Client.Commands;

/// <summary>
/// <c>stadnet export &lt;checkpoint&gt; --out &lt;file.pt&gt;</c>: the checkpoint's weights as a state dict
/// that PyTorch's <c>torch.load</c> reads, and <c>&lt;file&gt;.json</c> describing how to rebuild the network.
/// </summary>
public static class ExportCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create()
    {
        var checkpoint = new Argument<string>("checkpoint") { Description = "STADNet checkpoint to export." };
        var output = new Option<string>("--out") { Description = "PyTorch state-dict file to write; <file>.json is written beside it.", Required = true };
        var command = new Command("export", "Write a checkpoint's weights as a PyTorch state dict, plus a JSON description of the network.") { checkpoint, output };
        // Writers come from the invocation so tests can capture them instead of the console.
        command.SetAction((result, cancellationToken) => CommandErrors.Guard(() =>
            RunAsync(result.GetValue(checkpoint)!, result.GetValue(output)!, result.InvocationConfiguration.Output, cancellationToken),
            result.InvocationConfiguration.Error));
        return command;
    }

    private static async Task<int> RunAsync(string checkpoint, string output, TextWriter stdout, CancellationToken cancellationToken)
    {
        var source = CheckpointFile.Resolve(checkpoint);
        var weights = Path.GetFullPath(output);
        if (Directory.Exists(weights)) throw new UsageException($"--out must be a file, and {output} is a folder");
        var description = Path.ChangeExtension(weights, ".json");
        if (description == weights) throw new UsageException("--out must not end in .json: the description is written to <file>.json beside it");

        ExportManifest manifest;
        try
        {
            // Model work stays on one dedicated thread: TorchSharp scopes and grad mode are per thread.
            manifest = await ModelThread.Run(() => Export(source, weights), "stadnet-export");
            await File.WriteAllTextAsync(description, JsonSerializer.Serialize(manifest, Json), cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Reading the checkpoint reports its own failures; what is left is the output that cannot be written.
            throw new UsageException($"cannot write {output}: {e.Message}");
        }

        await stdout.WriteLineAsync($"wrote {weights} ({manifest.StateDict.Count} state-dict tensors, {manifest.ParameterCount} parameters; {manifest.Architecture}, model {manifest.ModelId})");
        await stdout.WriteLineAsync($"wrote {description} (settings, input shape [{string.Join(", ", manifest.InputShape)}], calibration, threshold {manifest.Threshold:F3}, state-dict keys)");
        return 0;
    }

    private static ExportManifest Export(string source, string weights)
    {
        var checkpoint = Checkpoint.Load(source); // a missing, corrupt or foreign checkpoint stops here, before anything is written
        // Typed as the base module: the export needs only the state dict, whatever network class the checkpoint builds.
        using torch.nn.Module model = checkpoint.CreateModel();
        Directory.CreateDirectory(Path.GetDirectoryName(weights)!);
        var temp = weights + ".tmp";
        try
        {
            model.save_py(temp);
            File.Move(temp, weights, overwrite: true); // never leave a half-written file under the real name
        }
        finally
        {
            File.Delete(temp);
        }

        var header = checkpoint.Header;
        var settings = header.Settings;
        return new ExportManifest
        {
            Weights = Path.GetFileName(weights),
            Architecture = model.GetType().Name,
            ParameterCount = model.parameters().Sum(p => p.numel()),
            ModelId = checkpoint.Id,
            ModelName = header.Name,
            Settings = settings,
            InputShape = [1, settings.InputChannels, settings.ClipFrames, settings.Height, settings.Width],
            Calibration = header.Calibration,
            Threshold = header.Calibration.Threshold,
            Training = header.Training,
            StateDict = model.state_dict()
                .Select(entry => new StateDictEntry(entry.Key, entry.Value.shape, entry.Value.dtype.ToString().ToLowerInvariant()))
                .ToList(),
        };
    }
}
