using System.Diagnostics;
using Azure;
using Azure.Storage.Blobs;

namespace STADNet.Tests.Support;

/// <summary>
/// A real Azurite blob service (tools/azurite, installed by scripts/install-deps.sh) on a free loopback port.
/// <see cref="StopAsync"/> and <see cref="StartAsync"/> take storage down and bring it back on the same port and
/// data folder, so blobs written before an outage are still there after it.
/// Use as an xunit fixture (IAsyncLifetime) or `await using var azurite = await AzuriteServer.StartNewAsync();`.
/// </summary>
public sealed class AzuriteServer : IAsyncLifetime, IAsyncDisposable
{
    /// <summary>Azurite's well-known development account (public, documented by Microsoft).</summary>
    public const string AccountName = "devstoreaccount1";

    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);
    private const int PortAttempts = 3;

    private readonly TempFolder _folder = new();
    private ServerProcess? _process;

    public int Port { get; private set; }

    /// <summary>Where Azurite keeps blobs and its index; kept across stop and start, deleted on dispose.</summary>
    public string DataFolder => _folder.Path;

    public Uri BlobEndpoint => new($"http://127.0.0.1:{Port}/{AccountName}");

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={BlobEndpoint};";

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Azurite's (node's) process id while it runs (for orphan checks).</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>How long the last start took until a blob service call succeeded.</summary>
    public TimeSpan LastStartTime { get; private set; }

    public static string Executable => Path.Combine(RepositoryRoot.Path, "tools", "azurite", "node_modules", ".bin", "azurite-blob");

    public static async Task<AzuriteServer> StartNewAsync(CancellationToken cancellation = default)
    {
        var server = new AzuriteServer();
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

    /// <summary>A client for this Azurite; pass options with short retries to see an outage quickly.</summary>
    public BlobServiceClient CreateClient(BlobClientOptions? options = null) => new(ConnectionString, options);

    /// <summary>Starts Azurite, or restarts it on the same port and data folder after <see cref="StopAsync"/>.</summary>
    public async Task StartAsync(CancellationToken cancellation = default)
    {
        if (IsRunning) return;
        ExecutableOnPath.Require("node");
        if (!File.Exists(Executable))
            throw new InvalidOperationException($"Azurite is not installed ({Executable} is missing): {ExecutableOnPath.InstallHint}");

        var restart = Port != 0;
        for (var attempt = 1; ; attempt++)
        {
            // Only the first start may move to another port; a restart must keep the endpoint clients hold.
            if (!restart) Port = FreePort.Next();
            var clock = Stopwatch.StartNew();
            _process = ServerProcess.Start(Executable,
            [
                "--blobHost", "127.0.0.1", "--blobPort", Port.ToString(), "--location", DataFolder,
                "--skipApiVersionCheck", "--loose", "--silent",
                // Telemetry tries to reach the network and holds up SIGTERM shutdown where there is none.
                "--disableTelemetry",
            ], DataFolder);
            if (await WaitUntilReadyAsync(cancellation))
            {
                LastStartTime = clock.Elapsed;
                return;
            }
            var output = _process.RecentOutput;
            _process.Dispose();
            _process = null;
            if (restart || attempt == PortAttempts || !output.Contains("EADDRINUSE", StringComparison.Ordinal))
                throw new InvalidOperationException($"Azurite did not serve blobs on port {Port}:\n{output}");
        }
    }

    /// <summary>Stops Azurite gracefully (it saves its blob index) so a later <see cref="StartAsync"/> sees the same blobs.</summary>
    public async Task StopAsync()
    {
        if (_process is null) return;
        await _process.StopAsync(StopGrace);
        _process.Dispose();
        _process = null;
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

    private async Task<bool> WaitUntilReadyAsync(CancellationToken cancellation)
    {
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(2);
        var client = CreateClient(options);
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process!.HasExited) return false;
            try
            {
                await client.GetPropertiesAsync(cancellation);
                return true;
            }
            catch (RequestFailedException)
            {
                // Not listening yet.
            }
            await Task.Delay(100, cancellation);
        }
        return false;
    }
}
