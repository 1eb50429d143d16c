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
