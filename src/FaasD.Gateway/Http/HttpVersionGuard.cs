using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace FaasD.Gateway.Http;

/// <summary>
/// Answers 400 (not Kestrel's 505) to a connection whose first request line names another protocol than
/// HTTP/1.0 or HTTP/1.1 (issue 11: bad input gets a 4xx, never a 5xx). Kestrel rejects such a line in its
/// internal parser before any application code runs and has no setting for the status, so this connection
/// middleware peeks at the first request line ahead of it. It reads once per connection, never per request: a
/// later request on a keep-alive connection is checked by Kestrel alone (which still answers 505 there). On every
/// other outcome it consumes nothing and Kestrel sees the bytes unchanged: a line Kestrel would refuse anyway
/// (no version, too long, binary junk, a client that hung up) is left to Kestrel's own 4xx.
/// </summary>
internal sealed partial class HttpVersionGuard(ConnectionDelegate next, KestrelServerLimits limits, ILogger logger)
{
    private const string Reason = "unsupported HTTP version\n";

    private static readonly byte[] BadVersion = Encoding.ASCII.GetBytes(
        $"HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: {Reason.Length}\r\n\r\n{Reason}");

    private static readonly byte[] TimedOut = Encoding.ASCII.GetBytes(
        "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n");

    internal enum Verdict
    {
        /// <summary>The line is not complete yet: read on.</summary>
        NeedMore,

        /// <summary>HTTP/1.0 or HTTP/1.1, or nothing this guard judges: Kestrel takes the connection as it came.</summary>
        PassOn,

        /// <summary>A complete request line with another protocol token: 400 and close.</summary>
        Unsupported,
    }

    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        ReadOnlySequence<byte> buffer;
        var seen = false;

        // Bounded like Kestrel's own header read, so a client that never finishes its first line is cut off here
        // rather than held, and ended when the server asks its connections to close (stopping), which would
        // otherwise wait for the bound; the one token source per connection is the price. Not linked to
        // ConnectionClosed: the socket transport fires that when the client half-closes (FIN after its request),
        // which must still be read and answered; a hang-up completes the input and an abort fails the read.
        var stopping = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? CancellationToken.None;
        using (var bound = CancellationTokenSource.CreateLinkedTokenSource(stopping))
        {
            bound.CancelAfter(limits.RequestHeadersTimeout);
            while (true)
            {
                ReadResult result;
                try
                {
                    result = await input.ReadAsync(bound.Token);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    return; // the server is stopping: close, as Kestrel closes a connection between requests
                }
                catch (OperationCanceledException) when (bound.IsCancellationRequested)
                {
                    // Like Kestrel: 408 to a request begun too slowly; a connection that never sent a byte just closes.
                    Log.FirstLineTimedOut(logger, connection.ConnectionId, limits.RequestHeadersTimeout);
                    if (seen)
                    {
                        await AnswerAndCloseAsync(connection, TimedOut);
                    }

                    return;
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException)
                {
                    return; // the connection was reset or aborted (server stopping): there is no one to answer
                }

                buffer = result.Buffer;
                seen |= !buffer.IsEmpty;
                var verdict = Inspect(buffer, limits.MaxRequestLineSize);
                if (verdict == Verdict.NeedMore && !result.IsCompleted && !result.IsCanceled)
                {
                    // Examined but not consumed: the next read waits for more bytes and still starts at the first.
                    input.AdvanceTo(buffer.Start, buffer.End);
                    continue;
                }

                if (verdict == Verdict.Unsupported)
                {
                    input.AdvanceTo(buffer.End);
                    Log.UnsupportedVersion(logger, connection.ConnectionId, connection.RemoteEndPoint?.ToString());
                    await AnswerAndCloseAsync(connection, BadVersion);
                    return;
                }

                // Neither consumed nor examined: Kestrel's first read returns these bytes at once instead of waiting
                // for more (marking them examined would stall a complete request until the client sent again).
                input.AdvanceTo(buffer.Start);
                break;
            }
        }

        await next(connection);
    }

    /// <summary>Judges the first request line in <paramref name="buffer"/>; allocates nothing (a line across two blocks borrows a pooled array).</summary>
    internal static Verdict Inspect(in ReadOnlySequence<byte> buffer, int maxRequestLine)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
        {
            // No line end within Kestrel's limit: Kestrel answers 414 for it; junk without a line end is Kestrel's too.
            return buffer.Length > maxRequestLine ? Verdict.PassOn : Verdict.NeedMore;
        }

        if (line.Length > maxRequestLine)
        {
            return Verdict.PassOn;
        }

        if (line.IsSingleSegment)
        {
            return InspectLine(line.FirstSpan);
        }

        // The line straddles two pool blocks (rare: a line near a block boundary); copy it to judge it in one piece.
        var rented = ArrayPool<byte>.Shared.Rent((int)line.Length);
        try
        {
            line.CopyTo(rented);
            return InspectLine(rented.AsSpan(0, (int)line.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static Verdict InspectLine(ReadOnlySpan<byte> line)
    {
        if (line.EndsWith((byte)'\r'))
        {
            line = line[..^1];
        }

        var lastSpace = line.LastIndexOf((byte)' ');
        if (lastSpace < 0)
        {
            return Verdict.PassOn; // no version at all ("GET"): Kestrel's own 400 Invalid Request Line
        }

        var version = line[(lastSpace + 1)..];
        return version.SequenceEqual("HTTP/1.1"u8) || version.SequenceEqual("HTTP/1.0"u8)

            // A prior-knowledge HTTP/2 client: Kestrel answers it with an HTTP/2 GOAWAY HTTP_1_1_REQUIRED (HTTP/1.1
            // only without TLS), which such a client understands; an HTTP/1.1 400 it could not even parse.
            || line.SequenceEqual("PRI * HTTP/2.0"u8)
            ? Verdict.PassOn
            : Verdict.Unsupported;
    }

    private static async Task AnswerAndCloseAsync(ConnectionContext connection, byte[] answer)
    {
        try
        {
            // No token: a few hundred bytes never wait on the output pipe's backpressure, and ConnectionClosed is
            // already cancelled when the client half-closed after its request, which would drop the answer.
            await connection.Transport.Output.WriteAsync(answer, CancellationToken.None);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client is gone already; closing is all that is left.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.UnsupportedHttpVersion, Level = LogLevel.Debug, Message = "Connection {ConnectionId} from {Remote}: first request line names an unsupported HTTP version; answered 400")] public static partial void UnsupportedVersion(ILogger logger, string connectionId, string? remote);

        [LoggerMessage(EventId = LogEvents.FirstRequestLineTimedOut, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: no complete request line within {Timeout}; answered 408")] public static partial void FirstLineTimedOut(ILogger logger, string connectionId, TimeSpan timeout);
    }
}
