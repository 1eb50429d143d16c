using System.Net.Sockets;

namespace FaasD.Gateway.Invoke;

/// <summary>Which forwarding failures happened before a single byte reached the function, so the call may go to another replica.</summary>
internal static class ConnectionFailures
{
    /// <summary>The TCP connection could not be made (refused, unreachable): nothing of the request was sent.</summary>
    public static bool NothingWasSent(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError })
            {
                return true;
            }

            if (current is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable })
            {
                return true;
            }
        }

        return false;
    }
}
