using System.Net;
using System.Net.Sockets;

namespace STADNet.Tests.Support;

/// <summary>Loopback TCP ports for servers the tests start.</summary>
public static class FreePort
{
    /// <summary>A port the OS just handed out; another process could take it before ours binds, so starters retry.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>True when nothing listens on the port (a listener can bind it).</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
