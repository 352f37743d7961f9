namespace STADNet.Model;

/// <summary>Architecture and input settings, stored in every checkpoint so a file rebuilds its own network.</summary>
public sealed record ModelSettings
{
    /// <summary>Frames per clip the network sees at once.</summary>
    public int ClipFrames { get; init; } = 8;
    public int Width { get; init; } = 96;
    public int Height { get; init; } = 64;
    /// <summary>Colour input (RGB) or grey; the input also carries one motion channel per colour channel.</summary>
    public bool Colour { get; init; }
    public int LatentChannels { get; init; } = 16;
    public int BaseChannels { get; init; } = 16;
    /// <summary>Side of the square patches whose mean error is the local anomaly evidence.</summary>
    public int PatchSize { get; init; } = 8;

    public int ImageChannels => Colour ? 3 : 1;
    public int InputChannels => ImageChannels * 2;
    public int BytesPerFrame => Width * Height * ImageChannels;

    public void Validate()
    {
        if (ClipFrames < 4 || ClipFrames % 2 != 0) throw new InvalidDataException("clip frames must be an even number of at least 4");
        if (Width % 8 != 0 || Height % 8 != 0 || Width < 16 || Height < 16) throw new InvalidDataException("input size must be multiples of 8, at least 16");
        if (LatentChannels < 1 || BaseChannels < 4 || PatchSize < 1) throw new InvalidDataException("channel and patch settings must be positive");
    }
}
