using STADNet.Media;
using STADNet.Model;

namespace STADNet.Tests.Support;

/// <summary>Decodes a whole video at a model's decode size, as <c>stadnet train</c> does.</summary>
public static class TrainingFootage
{
    public static async Task<TrainingVideo> DecodeAsync(string path, ModelSettings settings)
    {
        var info = await VideoProbe.ProbeAsync(path, CancellationToken.None);
        var frames = await ShardDecoder.DecodeAsync(path, info.Fps, info.StartOffsetSeconds, 0, info.FrameCount, toEnd: true,
            new FrameFormat(settings.DecodeWidth, settings.DecodeHeight, settings.Colour), CancellationToken.None);
        return new TrainingVideo(Path.GetFileName(path), frames.Pixels, frames.Count);
    }
}
