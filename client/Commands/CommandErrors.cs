using STADNet.Media;
using STADNet.Model;

namespace STADNet.Client.Commands;

/// <summary>Turns failures that stop a command into one clear line and a non-zero exit code.</summary>
public static class CommandErrors
{
    public const int Usage = 2;
    public const int Failure = 1;

    public static async Task<int> Guard(Func<Task<int>> run)
    {
        try
        {
            return await run();
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
        catch (Exception e) when (e is UsageException or CheckpointException or DirectoryNotFoundException or FileNotFoundException or VideoInputException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return Usage;
        }
    }
}
