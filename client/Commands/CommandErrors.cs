using STADNet.Media;
using STADNet.Model;

namespace STADNet.Client.Commands;

/// <summary>Turns failures that stop a command into one clear line and a non-zero exit code.</summary>
public static class CommandErrors
{
    public const int Usage = 2;
    public const int Failure = 1;

    /// <summary>
    /// Model work that cannot go on (too little footage, held-out scores that are not finite) ends as a usage error: its reason
    /// on one line instead of a stack trace.
    /// </summary>
    public static async Task<T> AsUsage<T>(Func<Task<T>> run)
    {
        try
        {
            return await run();
        }
        catch (InvalidOperationException e)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <param name="error">Where the line goes: a command that takes the invocation's writers passes its error writer, so tests need not swap the console.</param>
    public static async Task<int> Guard(Func<Task<int>> run, TextWriter? error = null)
    {
        error ??= Console.Error;
        try
        {
            return await run();
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("cancelled");
            return 130;
        }
        catch (Exception e) when (e is UsageException or CheckpointException or DirectoryNotFoundException or FileNotFoundException or VideoInputException)
        {
            // One line even when a wrapped libtorch message spans several.
            error.WriteLine($"error: {e.Message.ReplaceLineEndings(" ")}");
            return Usage;
        }
    }
}
