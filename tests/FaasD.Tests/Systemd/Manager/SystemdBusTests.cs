using FaasD.Systemd.Manager;
using FaasD.TestSupport;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace FaasD.Tests.Systemd.Manager;

/// <summary>
/// The choice between the system bus and systemd's private socket. The "private socket" here is a private
/// dbus-daemon's socket, which is enough to prove the fallback is taken, said in the log, and then used without a
/// bus subscription (the nspawn stage proves it against PID 1's real /run/systemd/private).
/// </summary>
[Integration]
public sealed class SystemdBusTests
{
    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;

    [Test]
    public async Task TheSystemBusIsUsedWhenItAnswers()
    {
        await using var daemon = await PrivateDBusDaemon.StartAsync(Timeout);
        var log = new ListLogger();

        var (connection, viaBus) = await SystemdBus.ConnectAsync("unix:path=" + daemon.SocketPath, "/nonexistent/private", log, Timeout);
        using (connection)
        {
            Assert.That(viaBus, Is.True);
            Assert.That(log.Lines, Has.One.EqualTo($"7400 Talking to systemd over the system bus at unix:path={daemon.SocketPath}"));
        }
    }

    [Test]
    public async Task WithoutASystemBusThePrivateSocketIsUsedAndSaidSo()
    {
        await using var daemon = await PrivateDBusDaemon.StartAsync(Timeout);
        using var systemd = await FakeSystemdService.StartAsync(daemon.SocketPath);
        systemd.Units["faasd.service"] = "inactive";
        systemd.UnicastSignals = true;
        var log = new ListLogger();

        var (connection, viaBus) = await SystemdBus.ConnectAsync("unix:path=/nonexistent/system_bus_socket", daemon.SocketPath, log, Timeout);
        await using var manager = new SystemdManager(connection, viaBus, TimeProvider.System);
        var job = await manager.StartUnitAsync("faasd.service", "replace", Timeout);

        Assert.That(viaBus, Is.False);
        Assert.That(log.Lines, Has.One.StartsWith("7401 System bus at unix:path=/nonexistent/system_bus_socket unavailable"));
        Assert.That(log.Lines, Has.One.EqualTo($"7402 Talking to systemd over its private socket {daemon.SocketPath}"));
        Assert.That(await manager.WaitForJobAsync(job, TimeSpan.FromSeconds(10), Timeout), Is.EqualTo("done"));
    }

    [Test]
    public void WithNeitherTheErrorSaysWhatWasTried()
    {
        var error = Assert.ThrowsAsync<SystemdUnreachableException>(() =>
            SystemdBus.ConnectAsync("unix:path=/nonexistent/system_bus_socket", "/nonexistent/private", new ListLogger(), Timeout));

        Assert.That(error!.Message, Does.Contain("/nonexistent/system_bus_socket").And.Contain("/nonexistent/private"));
    }

    [Test]
    public async Task A_handshake_that_stalls_is_dropped_and_tried_again_on_a_new_socket()
    {
        await using var daemon = await PrivateDBusDaemon.StartAsync(Timeout);
        using var relay = new StallingRelay(daemon.SocketPath, stalledConnections: 1);
        var log = new ListLogger();

        var (connection, viaBus) = await SystemdBus.ConnectAsync(
            "unix:path=/nonexistent/system_bus_socket", relay.SocketPath, TimeSpan.FromMilliseconds(500), log, Timeout);
        using (connection)
        {
            Assert.That(viaBus, Is.False);
            Assert.That(relay.Accepted, Is.EqualTo(2));
            Assert.That(log.Lines, Has.One.StartsWith($"7403 unix:path={relay.SocketPath}: the D-Bus handshake did not complete within 0.5 s (attempt 1 of 3)"));
            Assert.That(log.Lines, Has.One.EqualTo($"7402 Talking to systemd over its private socket {relay.SocketPath}"));
        }
    }

    [Test]
    public async Task A_private_socket_that_never_answers_fails_after_three_attempts_with_the_reason()
    {
        await using var daemon = await PrivateDBusDaemon.StartAsync(Timeout);
        using var relay = new StallingRelay(daemon.SocketPath, stalledConnections: int.MaxValue);
        var log = new ListLogger();

        var error = Assert.ThrowsAsync<SystemdUnreachableException>(() => SystemdBus.ConnectAsync(
            "unix:path=/nonexistent/system_bus_socket", relay.SocketPath, TimeSpan.FromMilliseconds(300), log, Timeout));

        Assert.That(error!.Message, Does.Contain(relay.SocketPath).And.Contain("no answer to the D-Bus handshake within 0.3 s, 3 attempts"));
        Assert.That(relay.Accepted, Is.EqualTo(3));
        Assert.That(log.Lines.Count(l => l.StartsWith("7403 ", StringComparison.Ordinal)), Is.EqualTo(2));
    }

    /// <summary>
    /// A unix socket that accepts connections and, for the first N of them, never says a byte (a stalled handshake);
    /// later ones are relayed to the real daemon.
    /// </summary>
    private sealed class StallingRelay : IDisposable
    {
        private readonly System.Net.Sockets.Socket _listener;
        private readonly string _target;
        private readonly List<System.Net.Sockets.Socket> _held = [];
        private readonly CancellationTokenSource _stop = new();
        private int _stalledLeft;
        private int _accepted;

        public StallingRelay(string target, int stalledConnections)
        {
            _target = target;
            _stalledLeft = stalledConnections;
            SocketPath = Path.Combine(Path.GetTempPath(), $"faasd-stall-{Guid.NewGuid():N}.sock");
            _listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
            _listener.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(SocketPath));
            _listener.Listen(8);
            _ = AcceptLoopAsync();
        }

        public string SocketPath { get; }

        public int Accepted => Volatile.Read(ref _accepted);

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Dispose();
            lock (_held)
            {
                foreach (var socket in _held)
                {
                    socket.Dispose();
                }
            }

            File.Delete(SocketPath);
            _stop.Dispose();
        }

        private async Task AcceptLoopAsync()
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var client = await _listener.AcceptAsync(_stop.Token);
                    Interlocked.Increment(ref _accepted);
                    lock (_held)
                    {
                        _held.Add(client);
                    }

                    if (_stalledLeft-- > 0)
                    {
                        continue;
                    }

                    var upstream = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
                    await upstream.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(_target), _stop.Token);
                    lock (_held)
                    {
                        _held.Add(upstream);
                    }

                    var a = new System.Net.Sockets.NetworkStream(client);
                    var b = new System.Net.Sockets.NetworkStream(upstream);
                    _ = a.CopyToAsync(b, _stop.Token);
                    _ = b.CopyToAsync(a, _stop.Token);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or System.Net.Sockets.SocketException)
            {
                // Disposed: the test is over.
            }
        }
    }

    /// <summary>Keeps "EventId message" lines.</summary>
    private sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines)
            {
                Lines.Add($"{eventId.Id} {formatter(state, exception)}");
            }
        }
    }
}
