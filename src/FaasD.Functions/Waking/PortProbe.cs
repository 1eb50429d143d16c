using System.Net.Sockets;

namespace FaasD.Functions.Waking;

/// <summary>Waits until a function accepts TCP connections on its port: the readiness rule of deploy and wake.</summary>
internal static class PortProbe
{
    public static async Task WaitUntilAcceptsAsync(IPAddress address, int port, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        var delay = TimeSpan.FromMilliseconds(2);
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
                // Not listening yet: back off gently, the first answers usually come within a few milliseconds.
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"nothing accepted connections on {address}:{port} within {timeout.TotalSeconds:0.#}s");
            }

            try
            {
                await Task.Delay(delay, time, linked.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"nothing accepted connections on {address}:{port} within {timeout.TotalSeconds:0.#}s");
            }

            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 50));
        }
    }
}
