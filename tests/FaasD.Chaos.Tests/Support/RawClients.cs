using System.Net.Sockets;
using System.Text;

namespace FaasD.Chaos.Tests.Support;

/// <summary>What HttpClient cannot send: broken request lines and headers, and clients that send their headers too slowly.</summary>
internal static class RawClients
{
    /// <summary>The index of the request line naming an unknown protocol version (HTTP/9.9).</summary>
    public const int UnknownVersionIndex = 1;

    private static readonly string[] BrokenRequests =
    [
        "GET\r\n\r\n",
        "GET / HTTP/9.9\r\nHost: x\r\n\r\n",
        "GET /system/functions HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        "POST /system/functions HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "GET /\0/ HTTP/1.1\r\nHost: x\r\n\r\n",
        "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
        "GET / HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n",
        "POST /system/secrets HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFF\r\n",
    ];

    /// <summary>Sends a broken request and returns the status of the answer, or 0 when the server just closed.</summary>
    public static async Task<int> SendBrokenAsync(int port, int index, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", port, cancellationToken);
        await socket.SendAsync(Encoding.Latin1.GetBytes(BrokenRequests[index % BrokenRequests.Length]), cancellationToken);
        socket.Shutdown(SocketShutdown.Send);
        return await ReadStatusAsync(socket, cancellationToken);
    }

    /// <summary>A slowloris client: one header byte every <paramref name="interval"/>; returns the status or 0 when cut off.</summary>
    public static async Task<int> SendSlowlyAsync(int port, TimeSpan interval, int maxBytes, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", port, cancellationToken);
        var request = Encoding.ASCII.GetBytes("GET /system/functions HTTP/1.1\r\nHost: x\r\nX-Slow: " + new string('s', maxBytes));
        try
        {
            foreach (var b in request)
            {
                await socket.SendAsync(new[] { b }, cancellationToken);
                await Task.Delay(interval, cancellationToken);
                if (socket.Poll(0, SelectMode.SelectRead))
                {
                    break; // the server answered or closed while we dawdled
                }
            }
        }
        catch (SocketException)
        {
            return 0;
        }

        return await ReadStatusAsync(socket, cancellationToken);
    }

    private static async Task<int> ReadStatusAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[64];
        try
        {
            var read = await socket.ReceiveAsync(buffer, cancellationToken);
            var line = Encoding.ASCII.GetString(buffer, 0, read);
            return line.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && int.TryParse(line.AsSpan(9, 3), out var status) ? status : 0;
        }
        catch (SocketException)
        {
            return 0;
        }
    }
}
