namespace STADNet.Model;

/// <summary>
/// Architecture and input settings, stored in every checkpoint so a file rebuilds its own network.
/// The part switches exist for the ablation study; a shipped model has every part.
/// </summary>
public sealed record ModelSettings
{
    /// <summary>Frames per clip (segment) the network sees at once.</summary>
    public int ClipFrames { get; init; } = 8;
    public int Width { get; init; } = 96;
    public int Height { get; init; } = 64;
    /// <summary>
    /// Frames are decoded at this multiple of the network's size: optical flow is estimated there,
    /// where a distant walker still spans enough pixels to be tracked, then pooled down.
    /// </summary>
    public int DecodeScale { get; init; } = 2;
    /// <summary>Colour input (RGB) or grey.</summary>
    public bool Colour { get; init; }
    public int LatentChannels { get; init; } = 16;
    public int BaseChannels { get; init; } = 16;
    /// <summary>Side of the square patches whose mean error is the local anomaly evidence and one heatmap cell.</summary>
    public int PatchSize { get; init; } = 8;

    /// <summary>Parallel 3D kernels of two sizes; without it, one kernel size.</summary>
    public bool MultiScale { get; init; } = true;
    /// <summary>Spatial map and per-time-step weights multiplying the encoder features.</summary>
    public bool Attention { get; init; } = true;
    /// <summary>The optical-flow motion stream; without it the network sees appearance only.</summary>
    public bool MotionStream { get; init; } = true;
    /// <summary>Channel-level cross-attention between the streams; without it they are concatenated.</summary>
    public bool CrossAttention { get; init; } = true;
    /// <summary>Sampled latent with a KL term; without it a plain autoencoder bottleneck.</summary>
    public bool Variational { get; init; } = true;
    /// <summary>The fully connected sigmoid segment score.</summary>
    public bool SegmentHead { get; init; } = true;

    public int ImageChannels => Colour ? 3 : 1;
    /// <summary>Per frame: appearance channels, then the two flow components (x, y) in network pixels.</summary>
    public int InputChannels => ImageChannels + 2;
    /// <summary>Channels the decoder rebuilds: appearance, and flow when the motion stream is on.</summary>
    public int ReconstructedChannels => ImageChannels + (MotionStream ? 2 : 0);
    public int DecodeWidth => Width * DecodeScale;
    public int DecodeHeight => Height * DecodeScale;
    public int BytesPerFrame => DecodeWidth * DecodeHeight * ImageChannels;
    public int HeatmapColumns => Width / PatchSize;
    public int HeatmapRows => Height / PatchSize;
    public int HeatmapCells => HeatmapColumns * HeatmapRows;
    /// <summary>Channels of the encoder features the latent is drawn from.</summary>
    public int EncodingChannels => 4 * BaseChannels;
    /// <summary>Places of the encoder's feature map: a cell of the patch grid at the default patch size.</summary>
    public int EncodingPositions => Height / 8 * (Width / 8);

    /// <summary>Width the flow is estimated at, at least: a distant walker must span enough pixels to be tracked.</summary>
    public const int FlowWidth = 192;

    /// <summary>
    /// Default settings at another network input size: decoded at the smallest multiple whose width is at least
    /// <see cref="FlowWidth"/> (the flow's), and with patches of a twelfth of the width when that divides the size,
    /// so the heatmap stays a 12-cell-wide grid whatever the size (8-pixel patches otherwise).
    /// </summary>
    public static ModelSettings AtSize(int width, int height)
    {
        var patch = width % 12 == 0 && height % (width / 12) == 0 ? width / 12 : 8;
        var settings = new ModelSettings
        {
            Width = width,
            Height = height,
            DecodeScale = Math.Clamp((FlowWidth + width - 1) / Math.Max(1, width), 1, 4),
            PatchSize = patch,
        };
        settings.Validate();
        return settings;
    }

    public void Validate()
    {
        if (ClipFrames < 4 || ClipFrames % 2 != 0) throw new InvalidDataException("clip frames must be an even number of at least 4");
        if (Width % 8 != 0 || Height % 8 != 0 || Width < 16 || Height < 16) throw new InvalidDataException("input size must be multiples of 8, at least 16");
        if (DecodeScale is < 1 or > 4) throw new InvalidDataException("decode scale must be 1 to 4");
        if (LatentChannels < 1 || BaseChannels < 4 || PatchSize < 1) throw new InvalidDataException("channel and patch settings must be positive");
        if (Width % PatchSize != 0 || Height % PatchSize != 0) throw new InvalidDataException("patch size must divide the input size");
    }
}
