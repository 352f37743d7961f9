using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace STADNet.Client.Evaluation;

/// <summary>
/// Reads one clip's ground-truth pixel masks: a folder of PNGs, one per frame, numbered in frame order
/// (<c>000.png</c>, <c>001.png</c> ... or unpadded), white = anomalous.
/// </summary>
public static class MaskReader
{
    /// <summary>The clip's mask files in frame order, sorted by the number in their names (not as text, so <c>10</c> follows <c>9</c>).</summary>
    /// <exception cref="InvalidDataException">A name carries no frame number, or the numbers repeat or skip.</exception>
    public static IReadOnlyList<string> ListFrames(string clipDirectory)
    {
        var numbered = new List<(long Number, string Path)>();
        foreach (var path in Directory.EnumerateFiles(clipDirectory))
        {
            if (!Path.GetExtension(path).Equals(".png", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var number = FrameNumber(Path.GetFileNameWithoutExtension(path))
                ?? throw new InvalidDataException($"{clipDirectory}: mask '{Path.GetFileName(path)}' has no frame number in its name.");
            numbered.Add((number, path));
        }
        numbered.Sort((a, b) => a.Number.CompareTo(b.Number));

        // A gap or a repeat would shift every later mask onto the wrong frame without changing the count.
        for (var i = 1; i < numbered.Count; i++)
        {
            if (numbered[i].Number != numbered[0].Number + i)
            {
                throw new InvalidDataException(
                    $"{clipDirectory}: mask numbers are not consecutive: '{Path.GetFileName(numbered[i - 1].Path)}' is followed by '{Path.GetFileName(numbered[i].Path)}'.");
            }
        }
        return numbered.Select(n => n.Path).ToList();
    }

    /// <summary>
    /// Decodes the masks, in the order given, to greyscale bytes at <paramref name="width"/> x <paramref name="height"/>,
    /// frame after frame. Scaling averages areas, so a pixel reads as the share of anomalous source pixels it covers.
    /// </summary>
    /// <exception cref="InvalidDataException">ffmpeg fails or yields a different number of frames.</exception>
    /// <exception cref="IOException">ffmpeg cannot be started.</exception>
    public static byte[] Decode(IReadOnlyList<string> files, int width, int height, CancellationToken cancellationToken)
    {
        var frameBytes = width * height;
        var start = new ProcessStartInfo("ffmpeg")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The files are streamed through stdin in our own order: any naming works, and no pattern has to be guessed.
        foreach (var arg in new[]
                 {
                     "-v", "error", "-f", "image2pipe", "-c:v", "png", "-i", "-",
                     "-map", "0:v:0", "-fps_mode", "passthrough",
                     "-vf", string.Create(CultureInfo.InvariantCulture, $"scale={width}:{height}:flags=area,format=gray"),
                     "-pix_fmt", "gray", "-f", "rawvideo", "-",
                 })
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new IOException("cannot start ffmpeg, needed to read the masks.");
        }
        catch (Win32Exception e)
        {
            throw new IOException($"cannot start ffmpeg, needed to read the masks: {e.Message}", e);
        }

        using (process)
        using (cancellationToken.Register(() => Kill(process)))
        {
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            var feed = Task.Run(() => Feed(process.StandardInput, files), CancellationToken.None);
            using var pixels = new MemoryStream(files.Count * frameBytes);
            process.StandardOutput.BaseStream.CopyTo(pixels);
            process.WaitForExit();
            cancellationToken.ThrowIfCancellationRequested();
            // A mask that could not be read is the root cause of whatever ffmpeg then made of the cut-short input.
            feed.GetAwaiter().GetResult();
            var folder = files.Count > 0 ? Path.GetDirectoryName(files[0]) : "";
            if (process.ExitCode != 0)
            {
                var reason = stderr.GetAwaiter().GetResult().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .LastOrDefault() ?? $"exit code {process.ExitCode}";
                throw new InvalidDataException($"{folder}: ffmpeg could not read the masks: {reason}");
            }

            if (pixels.Length != (long)files.Count * frameBytes)
            {
                throw new InvalidDataException(
                    $"{folder}: ffmpeg decoded {pixels.Length / (double)frameBytes:0.##} frames from {files.Count} masks.");
            }
            return pixels.ToArray();
        }
    }

    /// <summary>The last run of digits in a file stem (<c>012</c> → 12, <c>frame_7</c> → 7); null when there is none.</summary>
    private static long? FrameNumber(string stem)
    {
        var end = stem.Length;
        while (end > 0 && !char.IsAsciiDigit(stem[end - 1])) end--;
        var begin = end;
        while (begin > 0 && char.IsAsciiDigit(stem[begin - 1])) begin--;
        return begin < end && long.TryParse(stem.AsSpan(begin, end - begin), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : null;
    }

    private static void Feed(StreamWriter stdin, IReadOnlyList<string> files)
    {
        try
        {
            foreach (var file in files)
            {
                var bytes = File.ReadAllBytes(file);
                try
                {
                    stdin.BaseStream.Write(bytes);
                }
                catch (IOException)
                {
                    // ffmpeg stopped reading: it failed, and its exit code and stderr say why.
                    return;
                }
            }
        }
        finally
        {
            // Closing stdin is what tells ffmpeg the sequence has ended, so it happens however the loop leaves.
            try
            {
                stdin.Close();
            }
            catch (IOException)
            {
                // The pipe is already broken; ffmpeg has gone.
            }
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}
