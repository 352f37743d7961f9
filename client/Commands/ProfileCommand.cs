using System.CommandLine;
using System.Text.Json;
using STADNet.Model;

namespace STADNet.Client.Commands;

/// <summary><c>stadnet profile [--model X]</c>: parameters, GFLOPs per clip and milliseconds per frame of a model on this machine.</summary>
public static class ProfileCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "Checkpoint (default: the shipped model)." };
        var json = new Option<string?>("--json") { Description = "Also write the figures to this JSON file." };
        var command = new Command("profile", "Count a model's parameters and GFLOPs per clip and time it per frame.") { model, json };
        command.SetAction((result, cancellationToken) => CommandErrors.Guard(() =>
            RunAsync(CheckpointFile.Resolve(result.GetValue(model)), result.GetValue(json), cancellationToken)));
        return command;
    }

    private static async Task<int> RunAsync(string path, string? json, CancellationToken cancellationToken)
    {
        var checkpoint = Checkpoint.Load(path); // CommandErrors turns a refused checkpoint into a one-line error
        var settings = checkpoint.Header.Settings;
        var complexity = await ModelThread.Run(() =>
        {
            using var network = checkpoint.CreateModel();
            return ComplexityProfiler.Measure(network, settings);
        }, "stadnet-profile");
        Console.WriteLine($"model {checkpoint.Id}: {settings.Width}x{settings.Height}, {settings.ClipFrames}-frame clips, flow at {settings.DecodeWidth}x{settings.DecodeHeight}");
        Console.WriteLine($"parameters       {complexity.Parameters:N0}");
        Console.WriteLine($"GFLOPs per clip  {complexity.GigaFlopsPerClip:F3}");
        Console.WriteLine($"network          {complexity.NetworkMsPerFrame:F2} ms/frame");
        Console.WriteLine($"optical flow     {complexity.FlowMsPerFrame:F2} ms/frame");
        Console.WriteLine($"total            {complexity.MsPerFrame:F2} ms/frame ({complexity.Threads} threads, {Environment.ProcessorCount} cores)");
        if (json is not null)
            await File.WriteAllTextAsync(json, JsonSerializer.Serialize(new { modelId = checkpoint.Id, complexity.Parameters, complexity.GigaFlopsPerClip,
                complexity.NetworkMsPerFrame, complexity.FlowMsPerFrame, complexity.MsPerFrame, complexity.Threads },
                new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }), cancellationToken);
        return 0;
    }
}
