using System.Globalization;
using FFMpegCore;
using FFMpegCore.Exceptions;
using FFMpegCore.Pipes;

namespace STADNet.Media;

/// <summary>Decodes a frame range of a video to raw frames of a fixed format with FFmpeg.</summary>
public static class ShardDecoder
{
    /// <param name="first">First frame to decode.</param>
    /// <param name="count">Frames wanted; fewer come back when the video ends sooner.</param>
    /// <param name="toEnd">Decode past <paramref name="count"/> to the last frame (the last shard, whose true end only decoding tells).</param>
    /// <param name="startOffset">Seconds from the file's start to the video stream's first frame (audio may start earlier).</param>
    public static async Task<DecodedFrames> DecodeAsync(string path, double fps, double startOffset, int first, int count, bool toEnd,
        FrameFormat format, CancellationToken cancellationToken)
    {
        // Under heavy load a decode has been seen to come back a frame or two short of a range the
        // file holds (the raw-frame pipe, not the file): a short range is decoded again before it
        // is believed. A file that really is short gives the same count every time.
        var frames = await DecodeOnceAsync(path, fps, startOffset, first, count, toEnd, format, cancellationToken);
        for (var retry = 0; retry < ShortReadRetries && !toEnd && frames.Count < count; retry++)
        {
            var again = await DecodeOnceAsync(path, fps, startOffset, first, count, toEnd, format, cancellationToken);
            if (again.Count > frames.Count) frames = again;
        }
        return frames;
    }

    /// <summary>
    /// The frames <paramref name="decoded"/> holds, decoded again <paramref name="scale"/> times larger (finer
    /// detail for one use of them); refused when the file does not give the same number of frames.
    /// </summary>
    public static async Task<DecodedFrames> DecodeLargerAsync(string path, double fps, double startOffset, DecodedFrames decoded, bool toEnd, int scale,
        CancellationToken cancellationToken)
    {
        var format = decoded.Format with { Width = decoded.Format.Width * scale, Height = decoded.Format.Height * scale };
        var larger = await DecodeAsync(path, fps, startOffset, decoded.FirstFrame, decoded.Count, toEnd, format, cancellationToken);
        if (larger.Count != decoded.Count) throw new VideoInputException($"decoded {decoded.Count} frames but {larger.Count} at {format.Width}x{format.Height}");
        return larger;
    }

    /// <summary>Extra decodes of a range that came back short.</summary>
    public const int ShortReadRetries = 2;

    private static async Task<DecodedFrames> DecodeOnceAsync(string path, double fps, double startOffset, int first, int count, bool toEnd,
        FrameFormat format, CancellationToken cancellationToken)
    {
        using var pixels = new MemoryStream(format.BytesPerFrame * Math.Max(count, 1));
        var input = new List<string> { FfmpegInputPolicy.ArgumentsFor(path) };
        // Seek half a frame early: accurate seek keeps frames at or after that time, so frame `first` is the first kept.
        // -ss counts from the earliest stream's start, so the video stream's own offset is added.
        if (first > 0) input.Add("-ss " + Math.Max(0, startOffset + (first - 0.5) / fps).ToString("0.######", CultureInfo.InvariantCulture));
        var output = new List<string>
        {
            "-map 0:v:0", "-an", "-sn", "-dn",
            // Frames as decoded: a constant-rate output would duplicate or drop frames around the seek point.
            "-fps_mode passthrough",
            $"-vf scale={format.Width}:{format.Height}:flags=area,format={format.PixelFormat}",
            $"-pix_fmt {format.PixelFormat}",
        };
        if (!toEnd) output.Add($"-frames:v {count}");
        try
        {
            Action<FFMpegInputOptions> inputOptions = o => { foreach (var a in input) o.WithCustomArgument(a); };
            // A blob is read over HTTP range requests straight from storage, never whole into memory.
            var arguments = VideoProbe.IsUrl(path)
                ? FFMpegArguments.FromUrlInput(new Uri(path), inputOptions)
                : FFMpegArguments.FromFileInput(path, verifyExists: true, inputOptions);
            await arguments
                .OutputToPipe(new StreamPipeSink(pixels) { Format = "rawvideo" }, o => { foreach (var a in output) o.WithCustomArgument(a); })
                .CancellableThrough(cancellationToken)
                .ProcessAsynchronously(throwOnError: true);
        }
        catch (FFMpegProcessException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new VideoInputException("decoding failed: " + FfmpegErrors.Summarise(e.Result.StandardError, path, e.Message), e);
        }
        catch (FFMpegException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new VideoInputException("decoding failed: " + e.Message.Split('\n')[0], e);
        }
        cancellationToken.ThrowIfCancellationRequested();
        var decoded = (int)(pixels.Length / format.BytesPerFrame);
        var bytes = pixels.GetBuffer().AsSpan(0, decoded * format.BytesPerFrame).ToArray();
        return new DecodedFrames(format, first, decoded, bytes);
    }
}
