using System.Diagnostics;
using System.Runtime.InteropServices;

namespace STADNet.Tests.Support;

/// <summary>
/// A long-running child process (redis-server, Azurite) with its recent output kept for error messages.
/// Killed with its tree on dispose, and on test-host exit so a crashed run leaves no orphans (best effort).
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private const int SigTerm = 15;
    private const int OutputLines = 40;

    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private readonly EventHandler _onHostExit;

    private ServerProcess(Process process)
    {
        _process = process;
        _onHostExit = (_, _) => Kill();
        AppDomain.CurrentDomain.ProcessExit += _onHostExit;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process wrote (stdout and stderr), for failure messages.</summary>
    public string RecentOutput
    {
        get { lock (_output) return string.Join('\n', _output); }
    }

    public static ServerProcess Start(string file, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // no terminal input for servers; closed stdin is harmless to both
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        var process = new Process { StartInfo = info };
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        try
        {
            if (!process.Start()) throw new InvalidOperationException($"cannot start {file}");
        }
        catch
        {
            server.Dispose();
            throw;
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>SIGTERM so the server can flush its state (Azurite saves its blob index), then a kill after the grace period.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited) return;
        if (SendSignal(_process.Id, SigTerm) == 0)
        {
            using var timeout = new CancellationTokenSource(grace);
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
                return;
            }
            catch (OperationCanceledException)
            {
            }
        }
        Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>True while a process with this id runs (orphan checks after dispose).</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Not started or already gone.
        }
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= _onHostExit;
        Kill();
        try { _process.WaitForExit(5000); } catch (InvalidOperationException) { }
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > OutputLines) _output.Dequeue();
        }
    }

    // DllImport rather than LibraryImport: the generated stub would need AllowUnsafeBlocks for one libc call.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
