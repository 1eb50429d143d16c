using System.Net.Sockets;

namespace FaasD.Functions.Waking;

/// <summary>Waits until a function accepts TCP connections on its port: the readiness rule of deploy and wake.</summary>
internal static class PortProbe
{
    public static async Task WaitUntilAcceptsAsync(IPAddress address, int port, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        var started = time.GetTimestamp();
        while (true)
        {
            try
            {
                using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(new IPEndPoint(address, port), linked.Token);
                return;
            }
            catch (SocketException)
            {
                // Not listening yet. A refused connect inside the function's namespace costs tens of microseconds,
                // and most functions listen within a few milliseconds of starting: an exponential back-off from
                // the first miss added up to half of the start time to the wait (a port open at 15 ms was seen at 30).
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"nothing accepted connections on {address}:{port} within {timeout.TotalSeconds:0.#}s");
            }

            try
            {
                await Task.Delay(DelayAfter(time.GetElapsedTime(started)), time, linked.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"nothing accepted connections on {address}:{port} within {timeout.TotalSeconds:0.#}s");
            }
        }
    }

    /// <summary>Every millisecond for the first quarter second, then every 10 ms, then every 50 ms (a slow starter).</summary>
    internal static TimeSpan DelayAfter(TimeSpan waited) =>
        waited < TimeSpan.FromMilliseconds(250) ? TimeSpan.FromMilliseconds(1)
        : waited < TimeSpan.FromSeconds(2) ? TimeSpan.FromMilliseconds(10)
        : TimeSpan.FromMilliseconds(50);
}
