namespace STADNet.Grains.Messages;

/// <summary>A job's progress as any client sees it.</summary>
[GenerateSerializer, Immutable]
public sealed record ScanProgress(
    [property: Id(0)] string State,
    [property: Id(1)] int VideosTotal,
    [property: Id(2)] int VideosDone,
    [property: Id(3)] int VideosFailed,
    [property: Id(4)] long FramesScored,
    [property: Id(5)] string? Error,
    [property: Id(6)] string? SummaryPath)
{
    public const string Pending = "pending";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";

    public bool IsFinished => State is Completed or Failed;
}
