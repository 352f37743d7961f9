using System.Net;
using System.Net.Sockets;
using System.Text;

namespace STADNet.Tests.Security;

/// <summary>
/// A TCP listener on 127.0.0.1 that counts every connection made to it: the stand-in for an internal service
/// a hostile file would point FFmpeg at. With a body it answers each request with it as a minimal HTTP server.
/// </summary>
public sealed class LoopbackServer : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly byte[]? body;
    private readonly CancellationTokenSource stop = new();
    private int connections;

    public LoopbackServer(string? body = null)
    {
        this.body = body is null ? null : Encoding.UTF8.GetBytes(body);
        listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Connections accepted so far, after a pause so that one made just before is counted too.</summary>
    public async Task<int> ConnectionsAsync()
    {
        await Task.Delay(300);
        return Volatile.Read(ref connections) + (listener.Pending() ? 1 : 0);
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stop.Token);
                Interlocked.Increment(ref connections);
                _ = AnswerAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped.
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            if (body is null) return;
            try
            {
                var stream = client.GetStream();
                // Read the request head; its content does not matter, every path gets the same body.
                var buffer = new byte[8192];
                var head = "";
                while (!head.Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var read = await stream.ReadAsync(buffer, stop.Token);
                    if (read == 0) return;
                    head += Encoding.ASCII.GetString(buffer, 0, read);
                }
                var header = $"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(header), stop.Token);
                await stream.WriteAsync(body, stop.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away.
            }
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        stop.Dispose();
    }
}
