namespace STADNet.Media;

/// <summary>Consecutive decoded frames, packed frame after frame (HWC bytes), starting at <see cref="FirstFrame"/>.</summary>
public sealed record DecodedFrames(FrameFormat Format, int FirstFrame, int Count, byte[] Pixels)
{
    public ReadOnlySpan<byte> Frame(int index) => Pixels.AsSpan(index * Format.BytesPerFrame, Format.BytesPerFrame);
}
