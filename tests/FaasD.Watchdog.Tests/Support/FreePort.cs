using System.Net;
using System.Net.Sockets;

namespace FaasD.Watchdog.Tests.Support;

internal static class FreePort
{
    /// <summary>A port the kernel just handed out; racy in theory, but nothing else on a test box grabs it that fast.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
