namespace STADNet.Media;

/// <summary>Turns FFmpeg's stderr into the one line a report can carry.</summary>
internal static class FfmpegErrors
{
    public static string Summarise(IEnumerable<string>? stderr, string source, string fallback)
    {
        var lines = (stderr ?? []).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        // A refusal by the input policy is the cause; FFmpeg's last line only says "Invalid argument".
        var refused = lines.Select(FfmpegInputPolicy.Describe).FirstOrDefault(r => r is not null);
        if (refused is not null) return refused;
        var line = lines.LastOrDefault(l => !l.StartsWith("ffmpeg version", StringComparison.Ordinal)
                                            && !l.StartsWith("ffprobe version", StringComparison.Ordinal)
                                            && !l.StartsWith("Exiting normally", StringComparison.Ordinal)
                                            // FFmpeg's closing words say that it failed, not why.
                                            && !l.StartsWith("Conversion failed", StringComparison.Ordinal));
        if (string.IsNullOrWhiteSpace(line)) return SecretRedactor.Redact(fallback);
        // FFmpeg prefixes the input path; the report names the source already.
        if (line.StartsWith(source + ": ", StringComparison.Ordinal)) line = line[(source.Length + 2)..];
        // "[mjpeg @ 0x55d0c3a1b2c0] No JPEG data found" reads better as "mjpeg: No JPEG data found".
        line = System.Text.RegularExpressions.Regex.Replace(line, @"^\[(\w+) @ 0x[0-9a-f]+\] ", "$1: ");
        // FFmpeg echoes URLs, SAS tokens included; redacted before cutting so no cut can split a secret past the redactor.
        line = SecretRedactor.Redact(line);
        return line.Length > 240 ? line[..240] : line;
    }
}
