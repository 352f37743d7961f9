namespace STADNet.Model;

/// <summary>
/// Decoded footage for training: frames packed HWC at the model's decode size. Normal footage
/// unless <see cref="Abnormal"/>: a user's labelled anomalies, used only as anomalous examples.
/// </summary>
public sealed record TrainingVideo(string Name, byte[] Pixels, int FrameCount, bool Abnormal = false)
{
    /// <summary>The same frames at <see cref="ObjectNovelty.FrameScale"/> times the decode size, when object novelty is fitted.</summary>
    public byte[]? ObjectPixels { get; init; }
}
