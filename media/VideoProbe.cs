using System.Globalization;
using System.Text.Json;
using FFMpegCore;
using FFMpegCore.Exceptions;

namespace STADNet.Media;

/// <summary>Reads a video's stream facts with ffprobe, counting packets so shards can be cut by frame.</summary>
public static class VideoProbe
{
    /// <param name="path">A local file, or an http(s) URL (a blob's SAS link) that storage has already checked.</param>
    public static async Task<VideoInfo> ProbeAsync(string path, CancellationToken cancellationToken)
    {
        if (!IsUrl(path)) EnsureReadable(path);
        IMediaAnalysis analysis;
        try
        {
            // -count_packets demuxes without decoding: an exact frame count for any container, cheaply.
            var arguments = "-count_packets -select_streams v:0 " + FfmpegInputPolicy.ArgumentsFor(path);
            analysis = IsUrl(path)
                ? await FFProbe.AnalyseAsync(new Uri(path), null, arguments, cancellationToken)
                : await FFProbe.AnalyseAsync(path, null, arguments, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (FFProbeProcessException e)
        {
            throw new VideoInputException("not a readable video: " + FfmpegErrors.Summarise(e.StandardError, path, e.Message), e);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException or FFProbeException or FFMpegException)
        {
            throw new VideoInputException("not a readable video: " + e.Message.Split('\n')[0], e);
        }

        var video = analysis.PrimaryVideoStream
                    ?? throw new VideoInputException(analysis.AudioStreams.Count > 0 ? "no video stream (audio only)" : "no video stream");
        var fps = video.AverageFrameRate > 0 && double.IsFinite(video.AverageFrameRate) ? video.AverageFrameRate : video.RealFrameRate;
        if (!(fps > 0) || !double.IsFinite(fps)) throw new VideoInputException("video stream has no frame rate");
        var (frames, declared) = ReadFrameCounts(analysis.Json);
        // The container's index promises frames whose data is not in the file: it was cut short.
        if (declared > 0 && frames > 0 && declared - frames > Math.Max(3, declared / 50))
            throw new VideoInputException($"truncated or damaged: the container lists {declared} frames but only {frames} are present");
        var duration = video.Duration > TimeSpan.Zero ? video.Duration : analysis.Duration;
        if (frames <= 0) frames = (int)Math.Round(duration.TotalSeconds * fps);
        if (frames <= 0) throw new VideoInputException("video stream holds no frames");
        if (video.Width is not > 0 || video.Height is not > 0) throw new VideoInputException("video stream has no frame size");
        var offset = Math.Max(0, (video.StartTime - analysis.Format.StartTime).TotalSeconds);
        return new VideoInfo(fps, frames, video.Width.Value, video.Height.Value, frames / fps, video.CodecName ?? "unknown", offset);
    }

    public static bool IsUrl(string path) =>
        path.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || path.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Fails early with a plain reason when the file is missing, empty or cannot be opened.</summary>
    public static void EnsureReadable(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
            throw new VideoInputException(file.LinkTarget is not null ? $"cannot read file: link target '{file.LinkTarget}' does not exist" : "cannot read file: it does not exist");
        if (file.Length == 0) throw new VideoInputException("empty file (0 bytes)");
        try
        {
            using var stream = file.OpenRead();
            Span<byte> first = stackalloc byte[1];
            if (stream.Read(first) == 0) throw new VideoInputException("empty file (0 bytes)");
        }
        catch (UnauthorizedAccessException)
        {
            throw new VideoInputException("cannot read file: permission denied");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new VideoInputException("cannot read file: it does not exist (a broken link?)");
        }
        catch (IOException e)
        {
            throw new VideoInputException("cannot read file: " + e.Message);
        }
    }

    /// <summary>Packets actually read, and the frame count the container declares (0 where it declares none).</summary>
    private static (int Read, int Declared) ReadFrameCounts(string? json)
    {
        if (string.IsNullOrEmpty(json)) return (0, 0);
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("streams", out var streams)) return (0, 0);
        foreach (var stream in streams.EnumerateArray())
        {
            if (stream.TryGetProperty("codec_type", out var type) && type.GetString() == "video")
                return (ReadInt(stream, "nb_read_packets"), ReadInt(stream, "nb_frames"));
        }
        return (0, 0);
    }

    private static int ReadInt(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value)
        && int.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : 0;
}
