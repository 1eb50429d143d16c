using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using FaasD.Gateway.Invoke;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace FaasD.Gateway.Tests.Invoke;

/// <summary>
/// The connections the gateway opens ahead for functions that close each one, against a real TCP listener on
/// 127.0.0.1: which call gets which connection is read on the server's side (each call writes one byte).
/// </summary>
public sealed class UpstreamPreconnectorTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    [Test]
    public async Task A_function_that_needs_a_new_connection_per_call_finds_the_next_one_already_open()
    {
        await using var server = new Listener();
        using var preconnector = new UpstreamPreconnector(Window, Patience, new FakeTimeProvider());

        var spare = await SpareAfterTwoCallsAsync(preconnector, server);  // opened before any third call exists

        await using (var third = await preconnector.ConnectAsync(server.EndPoint, CancellationToken.None))
        {
            await third.WriteAsync(new byte[] { 3 });
            Assert.That(await spare.ReadByteAsync(), Is.EqualTo(3), "the third call went over the connection opened ahead");
        }

        spare.Dispose();
    }

    [Test]
    public async Task One_connection_opens_nothing_ahead()
    {
        await using var server = new Listener();
        using var preconnector = new UpstreamPreconnector(Window, Patience, new FakeTimeProvider());

        await CallAsync(preconnector, server, expectedConnection: 1);

        Assert.That(await server.AcceptedWithinAsync(TimeSpan.FromMilliseconds(300)), Is.False, "a keep-alive function's single connection gets no spare");
    }

    [Test]
    public async Task A_spare_the_function_closed_is_dropped_and_the_call_connects_afresh()
    {
        await using var server = new Listener();
        using var preconnector = new UpstreamPreconnector(Window, Patience, new FakeTimeProvider());
        var spare = await SpareAfterTwoCallsAsync(preconnector, server);
        spare.Close();                                  // the function went away (or timed the idle connection out)
        await Task.Delay(100);                          // the FIN reaches the gateway's side

        await using var call = await preconnector.ConnectAsync(server.EndPoint, CancellationToken.None);
        await call.WriteAsync(new byte[] { 3 });
        using var fresh = await server.NextAsync();

        Assert.That(await fresh.ReadByteAsync(), Is.EqualTo(3), "the call used a new connection, not the closed spare");
    }

    [Test]
    public async Task A_spare_is_closed_once_the_window_is_over_and_an_idle_endpoint_is_forgotten()
    {
        await using var server = new Listener();
        var time = new FakeTimeProvider();
        using var preconnector = new UpstreamPreconnector(Window, Patience, time);
        using var spare = await SpareAfterTwoCallsAsync(preconnector, server);

        time.Advance(Window);                           // the sweep runs once per window

        Assert.That(await spare.ReadByteAsync(), Is.EqualTo(-1), "the unused spare was closed (EOF on the function's side)");
        Assert.That(preconnector.Endpoints, Is.EqualTo(1));
        for (var i = 0; i < 10; i++)
        {
            time.Advance(Window);
        }

        Assert.That(preconnector.Endpoints, Is.Zero, "an endpoint no longer called (a removed function's IP) leaves no slot behind");
    }

    [Test]
    public async Task A_stale_spare_is_not_used_even_before_the_sweep()
    {
        await using var server = new Listener();
        var time = new FakeTimeProvider();
        using var preconnector = new UpstreamPreconnector(Window, Patience, time);
        using var spare = await SpareAfterTwoCallsAsync(preconnector, server);

        preconnector.Sweep();                           // too young: kept
        await using var call = await preconnector.ConnectAsync(server.EndPoint, CancellationToken.None);
        await call.WriteAsync(new byte[] { 3 });
        Assert.That(await spare.ReadByteAsync(), Is.EqualTo(3), "a spare within the window is used");

        using var next = await server.NextAsync();      // the call within the window opened the next spare
        await SpareReadyAsync(preconnector, server);
        time.Advance(Window + TimeSpan.FromMilliseconds(1));
        await using var late = await preconnector.ConnectAsync(server.EndPoint, CancellationToken.None);
        await late.WriteAsync(new byte[] { 4 });
        using var fresh = await server.NextAsync();
        Assert.That(await fresh.ReadByteAsync(), Is.EqualTo(4), "a spare past the window is closed, not used");
    }

    [Test]
    public async Task A_window_of_zero_connects_every_call_itself()
    {
        await using var server = new Listener();
        using var preconnector = new UpstreamPreconnector(TimeSpan.Zero, Patience, new FakeTimeProvider());

        for (var i = 1; i <= 3; i++)
        {
            await CallAsync(preconnector, server, expectedConnection: i);
        }

        Assert.Multiple(async () =>
        {
            Assert.That(await server.AcceptedWithinAsync(TimeSpan.FromMilliseconds(300)), Is.False);
            Assert.That(preconnector.Endpoints, Is.Zero);
        });
    }

    [Test]
    public void A_refused_connection_fails_the_call_as_a_socket_error()
    {
        var port = Listener.ClosedPort();
        using var preconnector = new UpstreamPreconnector(Window, Patience, new FakeTimeProvider());

        var error = Assert.ThrowsAsync<SocketException>(async () => await preconnector.ConnectAsync(new DnsEndPoint("127.0.0.1", port), CancellationToken.None));

        Assert.That(error!.SocketErrorCode, Is.EqualTo(SocketError.ConnectionRefused), "the handler turns it into a connection error, which the proxy retries on another replica");
    }

    /// <summary>Two calls that each needed a new connection within the window; returns the function's side of the spare.</summary>
    private static async Task<Accepted> SpareAfterTwoCallsAsync(UpstreamPreconnector preconnector, Listener server)
    {
        await CallAsync(preconnector, server, expectedConnection: 1);
        await CallAsync(preconnector, server, expectedConnection: 2);
        var spare = await server.NextAsync();
        await SpareReadyAsync(preconnector, server);
        return spare;
    }

    /// <summary>The server accepted the spare; this waits for the gateway's side to file it.</summary>
    private static async Task SpareReadyAsync(UpstreamPreconnector preconnector, Listener server)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!preconnector.HasSpare(server.EndPoint))
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the spare connection was never filed");
            await Task.Delay(5);
        }
    }

    /// <summary>One call: connect, write its number, and check the server received it on the connection it expects.</summary>
    private static async Task CallAsync(UpstreamPreconnector preconnector, Listener server, int expectedConnection)
    {
        await using var stream = await preconnector.ConnectAsync(server.EndPoint, CancellationToken.None);
        await stream.WriteAsync(new byte[] { (byte)expectedConnection });
        using var accepted = await server.NextAsync();
        Assert.That(await accepted.ReadByteAsync(), Is.EqualTo(expectedConnection));
    }

    private sealed class Listener : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Channel<Socket> _accepted = Channel.CreateUnbounded<Socket>();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public Listener()
        {
            _listener.Start();
            EndPoint = new DnsEndPoint("127.0.0.1", ((IPEndPoint)_listener.LocalEndpoint).Port);
            _loop = AcceptLoopAsync();
        }

        public DnsEndPoint EndPoint { get; }

        public static int ClosedPort()
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        public async Task<Accepted> NextAsync()
        {
            using var timeout = new CancellationTokenSource(Patience);
            return new Accepted(await _accepted.Reader.ReadAsync(timeout.Token));
        }

        public async Task<bool> AcceptedWithinAsync(TimeSpan wait)
        {
            using var timeout = new CancellationTokenSource(wait);
            try
            {
                (await _accepted.Reader.ReadAsync(timeout.Token)).Dispose();
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
            }

            while (_accepted.Reader.TryRead(out var socket))
            {
                socket.Dispose();
            }

            _stop.Dispose();
        }

        private async Task AcceptLoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket socket;
                try
                {
                    socket = await _listener.AcceptSocketAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    return;
                }

                await _accepted.Writer.WriteAsync(socket);
            }
        }
    }

    /// <summary>The function's side of one connection.</summary>
    private sealed class Accepted(Socket socket) : IDisposable
    {
        public async Task<int> ReadByteAsync()
        {
            var buffer = new byte[1];
            using var timeout = new CancellationTokenSource(Patience);
            return await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) == 0 ? -1 : buffer[0];
        }

        public void Close() => socket.Dispose();

        public void Dispose() => socket.Dispose();
    }
}
