using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace STADNet.Tests.Support;

/// <summary>
/// A real redis-server on a free loopback port with no persistence, for tests of Redis-backed features.
/// Use as an xunit fixture (IAsyncLifetime) or `await using var redis = await RedisServer.StartNewAsync();`.
/// </summary>
public sealed class RedisServer : IAsyncLifetime, IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private const int PortAttempts = 3;

    private readonly TempFolder _folder = new();
    private ServerProcess? _process;

    public int Port { get; private set; }

    /// <summary>StackExchange.Redis configuration string: "127.0.0.1:port".</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>redis-server's process id while it runs (for orphan checks).</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>How long the last start took until redis answered PING.</summary>
    public TimeSpan LastStartTime { get; private set; }

    public static async Task<RedisServer> StartNewAsync(CancellationToken cancellation = default)
    {
        var server = new RedisServer();
        try
        {
            await server.StartAsync(cancellation);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async Task StartAsync(CancellationToken cancellation = default)
    {
        if (_process is { HasExited: false }) return;
        var executable = ExecutableOnPath.Require("redis-server");
        // A free port can be taken between probing and binding; a fresh one fixes that.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort.Next();
            var clock = Stopwatch.StartNew();
            _process = ServerProcess.Start(executable,
                ["--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _folder.Path],
                _folder.Path);
            if (await WaitUntilReadyAsync(cancellation))
            {
                LastStartTime = clock.Elapsed;
                return;
            }
            var output = _process.RecentOutput;
            _process.Dispose();
            _process = null;
            if (attempt == PortAttempts || !output.Contains("Address already in use", StringComparison.Ordinal))
                throw new InvalidOperationException($"redis-server did not answer PING on port {Port}:\n{output}");
        }
    }

    public Task InitializeAsync() => StartAsync();

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    public ValueTask DisposeAsync()
    {
        _process?.Dispose();
        _process = null;
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>True once redis answers PING; false if the process exits or does not answer in time.</summary>
    private async Task<bool> WaitUntilReadyAsync(CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process!.HasExited) return false;
            if (await PingAsync(cancellation)) return true;
            await Task.Delay(50, cancellation);
        }
        return false;
    }

    // A raw RESP PING keeps start-up independent of the client library under test.
    private async Task<bool> PingAsync(CancellationToken cancellation)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await client.ConnectAsync("127.0.0.1", Port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException || (e is OperationCanceledException && !cancellation.IsCancellationRequested))
        {
            return false;
        }
    }
}
