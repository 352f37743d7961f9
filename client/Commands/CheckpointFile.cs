using STADNet.Client.Hosting;

namespace STADNet.Client.Commands;

/// <summary>The checkpoint a command is pointed at: the shipped one unless <c>--model</c> names another.</summary>
public static class CheckpointFile
{
    /// <summary>Full path of an existing checkpoint file, or a usage error naming what is missing.</summary>
    public static string Resolve(string? path)
    {
        var full = Path.GetFullPath(path ?? ShippedModel.Path);
        if (!File.Exists(full)) throw new UsageException($"checkpoint not found: {path ?? full}");
        return full;
    }
}
