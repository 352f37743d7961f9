namespace STADNet.Grains.Messages;

/// <summary>
/// A frame range of one video for one worker. <see cref="ContextFrames"/> frames before
/// <see cref="FirstFrame"/> are decoded too, so the first scored frame has motion context.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ClipShard(
    [property: Id(0)] string Source,
    [property: Id(1)] string CheckpointPath,
    [property: Id(2)] double Fps,
    [property: Id(3)] int FirstFrame,
    [property: Id(4)] int FrameCount,
    [property: Id(5)] bool ToEnd,
    [property: Id(6)] int ContextFrames,
    [property: Id(7)] int Width,
    [property: Id(8)] int Height,
    [property: Id(9)] bool Colour,
    [property: Id(10)] double StartOffsetSeconds,
    [property: Id(11)] int ObjectScale = 0);
