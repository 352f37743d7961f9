using STADNet.Media;
using STADNet.Model;

namespace STADNet.Tests.Support;

/// <summary>Decodes a whole video at a model's decode size, as <c>stadnet train</c> does.</summary>
public static class TrainingFootage
{
    /// <param name="objectFrames">Also decode it at the object novelty's size, as <c>stadnet calibrate --object-weight</c> does.</param>
    public static async Task<TrainingVideo> DecodeAsync(string path, ModelSettings settings, bool objectFrames = false)
    {
        var info = await VideoProbe.ProbeAsync(path, CancellationToken.None);
        var frames = await ShardDecoder.DecodeAsync(path, info.Fps, info.StartOffsetSeconds, 0, info.FrameCount, toEnd: true,
            new FrameFormat(settings.DecodeWidth, settings.DecodeHeight, settings.Colour), CancellationToken.None);
        var larger = objectFrames
            ? await ShardDecoder.DecodeLargerAsync(path, info.Fps, info.StartOffsetSeconds, frames, toEnd: true, ObjectNovelty.FrameScale, CancellationToken.None)
            : null;
        return new TrainingVideo(Path.GetFileName(path), frames.Pixels, frames.Count) { ObjectPixels = larger?.Pixels };
    }
}
