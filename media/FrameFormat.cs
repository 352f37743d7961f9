namespace STADNet.Media;

/// <summary>The size and pixel layout frames are decoded to: what the model eats, never the source size.</summary>
public sealed record FrameFormat(int Width, int Height, bool Colour)
{
    public int Channels => Colour ? 3 : 1;
    public int BytesPerFrame => Width * Height * Channels;
    internal string PixelFormat => Colour ? "rgb24" : "gray";
}
