using System.Globalization;

namespace STADNet.Tests.Support;

/// <summary>
/// Small CCTV-like footage made by ffmpeg at test time: a grey walkway with slow walkers, and
/// optionally a large bright object crossing fast (the injected anomaly), plus broken files.
/// </summary>
public static class SyntheticFootage
{
    public static string Walkway(string path, int frames, int fps = 10, (int From, int To)? anomaly = null, int width = 360, int height = 240, bool audio = false)
    {
        var seconds = (frames / (double)fps + 1).ToString("0.###", CultureInfo.InvariantCulture);
        var filter = "[0][1]overlay=x='40+mod(t*12\\,260)':y=90[a];[a][2]overlay=x='300-mod(t*9\\,250)':y=150[b]";
        filter += anomaly is { } a
            ? $";[b][3]overlay=x='mod(t*150\\,{width})':y=110:enable='between(n\\,{a.From}\\,{a.To})',format=yuv420p[v]"
            : ";[b]format=yuv420p[v]";
        var args = new List<string>
        {
            "-v", "error", "-y",
            "-f", "lavfi", "-i", $"color=c=0x707070:s={width}x{height}:r={fps}:d={seconds}",
            "-f", "lavfi", "-i", $"color=c=0xd0d0d0:s=10x26:r={fps}:d={seconds}",
            "-f", "lavfi", "-i", $"color=c=0x303030:s=10x26:r={fps}:d={seconds}",
        };
        if (anomaly is not null) args.AddRange(["-f", "lavfi", "-i", $"color=c=white:s=60x40:r={fps}:d={seconds}"]);
        // An audio track, as much camera footage has: seeking in a multi-stream file must still land on the right frame.
        if (audio) args.AddRange(["-f", "lavfi", "-i", $"sine=frequency=300:duration={seconds}"]);
        args.AddRange(["-filter_complex", filter, "-map", "[v]"]);
        if (audio) args.AddRange(["-map", $"{(anomaly is null ? 3 : 4)}:a", "-c:a", "aac"]);
        args.AddRange(["-frames:v", frames.ToString(CultureInfo.InvariantCulture), "-c:v", "libx264", "-g", "30", path]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Tool.Run("ffmpeg", args.ToArray());
        return path;
    }

    /// <summary>The five kinds of bad input the scan must report without failing the job.</summary>
    public static IReadOnlyDictionary<string, string> BadInputs(string directory, string goodVideo)
    {
        Directory.CreateDirectory(directory);
        var zero = Path.Combine(directory, "zero-bytes.mp4");
        File.WriteAllBytes(zero, []);
        var truncated = Path.Combine(directory, "truncated.mp4");
        var bytes = File.ReadAllBytes(goodVideo);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 3)]);
        var text = Path.Combine(directory, "notes.mp4");
        File.WriteAllText(text, "this is a text file, not a video\n");
        var audio = Path.Combine(directory, "audio-only.mp4");
        Tool.Run("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:a", "aac", audio);
        var unreadable = Path.Combine(directory, "unreadable.mp4");
        // Root reads any file whatever its mode, so a link to nothing stands in for an unreadable file.
        File.CreateSymbolicLink(unreadable, Path.Combine(directory, "gone", "missing.mp4"));
        return new Dictionary<string, string>
        {
            ["zero"] = zero, ["truncated"] = truncated, ["text"] = text, ["audio"] = audio, ["unreadable"] = unreadable,
        };
    }
}
