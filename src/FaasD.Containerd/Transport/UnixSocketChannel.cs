using System.Net.Sockets;
using Grpc.Net.Client;

namespace FaasD.Containerd.Transport;

/// <summary>
/// Builds the one HTTP/2 channel to containerd's unix socket. Every connection is opened by the connect callback,
/// so when containerd restarts the next call simply dials the (new) socket again.
/// </summary>
internal static class UnixSocketChannel
{
    public static GrpcChannel Create(ContainerdClientOptions options)
    {
        var socketPath = options.SocketPath;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = (_, cancellationToken) => ConnectAsync(socketPath, cancellationToken),
            ConnectTimeout = options.ConnectTimeout,
            KeepAlivePingDelay = options.KeepAlivePingDelay,
            KeepAlivePingTimeout = options.KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            // Event subscriptions and big content writes stay open for long; never queue calls behind them.
            EnableMultipleHttp2Connections = true,
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
        };

        // The authority is never resolved: every connection goes through the connect callback.
        return GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = options.MaxMessageSize,
            MaxSendMessageSize = options.MaxMessageSize,
            // Left false on purpose: with it set, a connection dropped by a dying daemon also surfaces as
            // OperationCanceledException. The interceptor instead turns Cancelled into OperationCanceledException
            // only when the caller's token asked for it.
            ThrowOperationCanceledOnCancellation = false,
        });
    }

    private static async ValueTask<Stream> ConnectAsync(string socketPath, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
