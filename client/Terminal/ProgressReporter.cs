using System.Diagnostics;
using STADNet.Grains.Messages;

namespace STADNet.Client.Terminal;

/// <summary>A live one-line display on a terminal; plain lines, only when something changed, when output is redirected.</summary>
public sealed class ProgressReporter(TextWriter output, bool interactive)
{
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private ScanProgress? last;

    public static ProgressReporter ForConsole() => new(Console.Out, !Console.IsOutputRedirected);

    public void Report(ScanProgress progress)
    {
        var fps = progress.FramesScored / Math.Max(clock.Elapsed.TotalSeconds, 1e-3);
        var line = $"{progress.State}: {progress.VideosDone}/{progress.VideosTotal} videos, {progress.VideosFailed} failed, {progress.FramesScored} frames ({fps:F1} frames/s)";
        if (interactive)
        {
            output.Write("\r" + line.PadRight(100));
            if (progress.IsFinished) output.WriteLine();
        }
        else if (last is null || last.VideosDone != progress.VideosDone || last.State != progress.State)
        {
            output.WriteLine(line);
        }
        last = progress;
    }
}
