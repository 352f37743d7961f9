using System.Diagnostics;

namespace STADNet.Tests.Support;

/// <summary>Runs a real external tool (ffmpeg, ffprobe) and fails the test with its stderr when it fails.</summary>
public static class Tool
{
    public static string Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed: {stderr}");
        return stdout.Result;
    }

    /// <summary>Frames ffprobe decodes, independently of the code under test.</summary>
    public static int CountFrames(string video) =>
        int.Parse(Run("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
            "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", video).Trim());
}
