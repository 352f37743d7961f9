namespace STADNet.Media;

/// <summary>What probing a video tells us before any frame is decoded.</summary>
public sealed record VideoInfo(
    double Fps,
    int FrameCount,
    int Width,
    int Height,
    double DurationSeconds,
    string Codec,
    double StartOffsetSeconds = 0);
