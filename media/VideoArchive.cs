namespace STADNet.Media;

/// <summary>Finds the videos a scan covers: a file, or a folder searched recursively by extension.</summary>
public static class VideoArchive
{
    public static IReadOnlySet<string> Extensions { get; } =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".mp4", ".avi", ".mkv", ".mov", ".webm", ".mpg", ".ts" };

    public static IReadOnlyList<string> List(string source)
    {
        var full = Path.GetFullPath(source);
        if (File.Exists(full) || (new FileInfo(full).LinkTarget is not null)) return [full];
        if (!Directory.Exists(full)) throw new DirectoryNotFoundException($"source not found: {source}");
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden };
        return Directory.EnumerateFiles(full, "*", options)
            .Where(f => Extensions.Contains(Path.GetExtension(f)))
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
