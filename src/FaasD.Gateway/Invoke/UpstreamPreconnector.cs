using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace FaasD.Gateway.Invoke;

/// <summary>
/// Opens the next connection ahead of time to functions that close every connection (busybox httpd, CGI-style and
/// fork-per-connection servers), so a call finds it ready instead of waiting for the TCP handshake and the server's
/// accept. It is the <see cref="SocketsHttpHandler.ConnectCallback"/> of the shared function client: keep-alive
/// upstreams (the OpenFaaS watchdogs) ask it for a connection only when the pool grows, so it rarely acts for them.
/// <para>
/// An endpoint gets a spare only when it needed a new connection twice within <see cref="_window"/>, keeps at most
/// one, and a spare older than the window is closed instead of used (the sweep closes unused ones too): an idle
/// function holds no extra connection for longer than that. A spare the server has closed meanwhile (a function
/// stopped, a replica removed) reads as readable-at-EOF and is dropped, and the call connects afresh.
/// </para>
/// Per endpoint one small slot in a concurrent dictionary; no lock on the call path.
/// </summary>
internal sealed class UpstreamPreconnector : IDisposable
{
    private readonly ConcurrentDictionary<(string Host, int Port), Slot> _slots = new();
    private readonly TimeSpan _window;
    private readonly TimeSpan _connectTimeout;
    private readonly TimeProvider _time;
    private readonly ITimer? _sweeper;
    private volatile bool _disposed;

    public UpstreamPreconnector(TimeSpan window, TimeSpan connectTimeout, TimeProvider time)
    {
        _window = window;
        _connectTimeout = connectTimeout;
        _time = time;
        if (window > TimeSpan.Zero)
        {
            _sweeper = time.CreateTimer(static state => ((UpstreamPreconnector)state!).Sweep(), this, window, window);
        }
    }

    /// <summary>Endpoints with a slot (for tests: slots of endpoints no longer called are swept away).</summary>
    internal int Endpoints => _slots.Count;

    /// <summary>Whether a connection to the endpoint is open and waiting (for tests).</summary>
    internal bool HasSpare(DnsEndPoint endPoint) => _slots.TryGetValue((endPoint.Host, endPoint.Port), out var slot) && slot.HasSpare;

    public ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken) =>
        ConnectAsync(context.DnsEndPoint, cancellationToken);

    internal async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, CancellationToken cancellationToken)
    {
        if (_window <= TimeSpan.Zero)
        {
            return new NetworkStream(await ConnectNewAsync(EndPointOf(endPoint), cancellationToken), ownsSocket: true);
        }

        var slot = _slots.GetOrAdd((endPoint.Host, endPoint.Port), static (key, _) => new Slot(EndPointOf(new DnsEndPoint(key.Host, key.Port))), 0);
        var now = _time.GetTimestamp();
        var previous = Interlocked.Exchange(ref slot.LastConnect, now);
        var socket = slot.TakeSpare(now, _window, _time) ?? await ConnectNewAsync(slot.EndPoint, cancellationToken);
        if (previous != 0 && _time.GetElapsedTime(previous, now) < _window)
        {
            Refill(slot);
        }

        return new NetworkStream(socket, ownsSocket: true);
    }

    private void Refill(Slot slot)
    {
        if (_disposed || Interlocked.CompareExchange(ref slot.Refilling, 1, 0) != 0)
        {
            return;
        }

        _ = RefillAsync(slot);
    }

    private async Task RefillAsync(Slot slot)
    {
        try
        {
            using var timeout = new CancellationTokenSource(_connectTimeout, _time);
            var socket = await ConnectNewAsync(slot.EndPoint, timeout.Token);
            slot.Offer(new Spare(socket, _time.GetTimestamp()));
            if (_disposed)
            {
                slot.Close();
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Speculative: the call that needs the connection will connect itself and report the failure.
        }
        finally
        {
            Volatile.Write(ref slot.Refilling, 0);
        }
    }

    /// <summary>Closes spares past the window and forgets endpoints not called for a while (removed functions' IPs).</summary>
    internal void Sweep()
    {
        var now = _time.GetTimestamp();
        foreach (var (key, slot) in _slots)
        {
            slot.CloseIfOlderThan(now, _window, _time);
            var last = Volatile.Read(ref slot.LastConnect);
            if (Volatile.Read(ref slot.Refilling) == 0 && _time.GetElapsedTime(last, now) > _window * 10)
            {
                _slots.TryRemove(new KeyValuePair<(string Host, int Port), Slot>(key, slot));
                slot.Close();
            }
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _sweeper?.Dispose();
        foreach (var slot in _slots.Values)
        {
            slot.Close();
        }
    }

    private static EndPoint EndPointOf(DnsEndPoint endPoint) =>
        IPAddress.TryParse(endPoint.Host, out var address) ? new IPEndPoint(address, endPoint.Port) : endPoint;

    private static async ValueTask<Socket> ConnectNewAsync(EndPoint endPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private sealed record Spare(Socket Socket, long Since);

    private sealed class Slot(EndPoint endPoint)
    {
        private Spare? _spare;
        public long LastConnect;
        public int Refilling;

        public EndPoint EndPoint { get; } = endPoint;

        public bool HasSpare => Volatile.Read(ref _spare) is not null;

        public Socket? TakeSpare(long now, TimeSpan window, TimeProvider time)
        {
            if (Interlocked.Exchange(ref _spare, null) is not { } spare)
            {
                return null;
            }

            // Readable before a request was sent means the server closed it (EOF) or reset it: not usable.
            if (time.GetElapsedTime(spare.Since, now) < window && !spare.Socket.Poll(0, SelectMode.SelectRead))
            {
                return spare.Socket;
            }

            spare.Socket.Dispose();
            return null;
        }

        public void Offer(Spare spare) => Interlocked.Exchange(ref _spare, spare)?.Socket.Dispose();

        public void CloseIfOlderThan(long now, TimeSpan window, TimeProvider time)
        {
            if (Volatile.Read(ref _spare) is { } spare && time.GetElapsedTime(spare.Since, now) >= window
                && Interlocked.CompareExchange(ref _spare, null, spare) == spare)
            {
                spare.Socket.Dispose();
            }
        }

        public void Close() => Interlocked.Exchange(ref _spare, null)?.Socket.Dispose();
    }
}
