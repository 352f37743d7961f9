namespace STADNet.Media;

/// <summary>Turns FFmpeg's stderr into the one line a report can carry.</summary>
internal static class FfmpegErrors
{
    public static string Summarise(IEnumerable<string>? stderr, string source, string fallback)
    {
        var line = (stderr ?? [])
            .Select(l => l.Trim())
            .Where(l => l.Length > 0)
            .LastOrDefault(l => !l.StartsWith("ffmpeg version", StringComparison.Ordinal)
                                && !l.StartsWith("ffprobe version", StringComparison.Ordinal)
                                && !l.StartsWith("Exiting normally", StringComparison.Ordinal));
        if (string.IsNullOrWhiteSpace(line)) return fallback;
        // FFmpeg prefixes the input path; the report names the source already.
        if (line.StartsWith(source + ": ", StringComparison.Ordinal)) line = line[(source.Length + 2)..];
        return line.Length > 240 ? line[..240] : line;
    }
}
