using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace FaasD.Watchdog.Tests.Support;

internal static class FreePort
{
    private static readonly ConcurrentDictionary<int, byte> Given = new();

    /// <summary>
    /// A port the kernel just handed out and this test run has not handed out before: a test often takes two (the
    /// upstream's and the watchdog's) before either listens, and the kernel may give the same free port twice.
    /// </summary>
    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (Given.TryAdd(port, 0))
            {
                return port;
            }
        }
    }
}
