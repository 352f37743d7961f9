using System.Text;

namespace STADNet.Tests.Support;

/// <summary>Videos damaged in known places, made from real footage by ffmpeg and then broken byte by byte.</summary>
public static class DamagedFootage
{
    /// <summary>
    /// An MJPEG AVI whose frames from <paramref name="firstBad"/> on are zeroed JPEG data:
    /// the container and its index are intact (every frame is counted), but those frames cannot be
    /// decoded, so every shard that covers only them fails however often it is tried.
    /// </summary>
    public static string WithUndecodableTail(string path, int frames, int firstBad)
    {
        var source = Path.ChangeExtension(path, ".source.mp4");
        SyntheticFootage.Walkway(source, frames);
        Tool.Run("ffmpeg", "-v", "error", "-y", "-i", source, "-c:v", "mjpeg", "-q:v", "5", "-an", path);
        File.Delete(source);
        var bytes = File.ReadAllBytes(path);
        var chunk = Encoding.ASCII.GetBytes("00dc");
        var frame = 0;
        for (var i = 0; i + 10 < bytes.Length; i++)
        {
            // A movi chunk: "00dc", a 4-byte size, then the JPEG's start-of-image marker FF D8.
            if (!bytes.AsSpan(i, 4).SequenceEqual(chunk) || bytes[i + 8] != 0xFF || bytes[i + 9] != 0xD8) continue;
            var size = BitConverter.ToInt32(bytes, i + 4);
            // No marker left to resynchronise on: the decoder finds no image at all.
            if (frame++ >= firstBad) Array.Clear(bytes, i + 8, size);
        }
        if (frame != frames) throw new InvalidOperationException($"found {frame} JPEG frames in {path}, expected {frames}");
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
