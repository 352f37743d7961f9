using System.Diagnostics;
using System.Text;

namespace STADNet.Tests.Support;

/// <summary>
/// <c>stadnet-silo</c> or <c>stadnet</c> run as a real process from the test's build output, with
/// the environment a user would give it; everything it writes is kept for the test to read.
/// </summary>
public sealed class StadnetProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private StadnetProcess(Process process) => this.process = process;

    public string Output
    {
        get { lock (output) return output.ToString(); }
    }

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    public static StadnetProcess Start(string assembly, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assembly));
        foreach (var a in arguments) info.ArgumentList.Add(a);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        var process = new Process { StartInfo = info };
        var started = new StadnetProcess(process);
        process.OutputDataReceived += (_, e) => started.Append(e.Data);
        process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => started.Kill();
        return started;
    }

    /// <summary>Runs the CLI to its end and returns what it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunCliAsync(IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] arguments)
    {
        using var cli = Start("stadnet.dll", environment, arguments);
        using var cancel = new CancellationTokenSource(timeout);
        await cli.process.WaitForExitAsync(cancel.Token);
        cli.process.WaitForExit(); // drains the output readers
        return (cli.process.ExitCode, cli.Output);
    }

    /// <summary>SIGKILL: the process gets no chance to hand anything back.</summary>
    public void Kill()
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (output) output.AppendLine(line);
    }

    public void Dispose()
    {
        Kill();
        process.Dispose();
    }
}
