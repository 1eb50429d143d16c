namespace FaasD.Compose.Ports;

/// <summary>
/// Copies bytes both ways between two connected sockets. Each direction has one fixed buffer; when one side
/// finishes sending, the other side's send half is shut down (half-close) and the opposite direction keeps
/// flowing until it ends too, so request/response protocols that close their write side early still work.
/// </summary>
internal static class TcpRelay
{
    public static async Task RunAsync(Socket client, Socket upstream, int bufferSize, CancellationToken cancellationToken)
    {
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var toUpstream = PumpAsync(client, upstream, bufferSize, abort);
        var toClient = PumpAsync(upstream, client, bufferSize, abort);
        await Task.WhenAll(toUpstream, toClient);
    }

    private static async Task PumpAsync(Socket from, Socket to, int bufferSize, CancellationTokenSource abort)
    {
        var buffer = new byte[bufferSize];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, abort.Token);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, abort.Token);
            }
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A reset or shutdown on one side ends the other direction as well.
            await abort.CancelAsync();
        }
    }
}
