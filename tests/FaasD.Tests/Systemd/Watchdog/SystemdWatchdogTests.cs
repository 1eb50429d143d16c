using FaasD.Systemd.Watchdog;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;

namespace FaasD.Tests.Systemd.Watchdog;

public sealed class SystemdWatchdogTests
{
    [TestCase("30000000", null, 1234, 15.0)]
    [TestCase("30000000", "1234", 1234, 15.0)]
    [TestCase("30000000", "999", 1234, null)]
    [TestCase(null, null, 1234, null)]
    [TestCase("0", null, 1234, null)]
    [TestCase("junk", null, 1234, null)]
    public void PingsAtHalfTheTimeoutOnlyWhenTheWatchdogIsOurs(string? usec, string? pid, int processId, double? expectedSeconds)
    {
        Assert.That(SystemdWatchdog.WatchdogInterval(usec, pid, processId)?.TotalSeconds, Is.EqualTo(expectedSeconds));
    }

    [Test]
    public async Task PingsWhileHealthyAndStopsWhenNot()
    {
        var notifier = new RecordingNotifier();
        var healthy = true;
        using var watchdog = new SystemdWatchdog(notifier, _ => Task.FromResult(healthy), TimeProvider.System, NullLogger<SystemdWatchdog>.Instance, TimeSpan.FromMilliseconds(20));

        await watchdog.StartAsync(CancellationToken.None);
        await WaitUntil(() => notifier.Count >= 2);
        healthy = false;
        await Task.Delay(60);
        var countWhenUnhealthy = notifier.Count;
        await Task.Delay(100);
        await watchdog.StopAsync(CancellationToken.None);

        Assert.That(notifier.States, Has.All.EqualTo("WATCHDOG=1"));
        Assert.That(notifier.Count, Is.EqualTo(countWhenUnhealthy), "no pings while unhealthy");
    }

    [Test]
    public async Task WithoutAWatchdogIntervalItNeverPings()
    {
        var notifier = new RecordingNotifier();
        using var watchdog = new SystemdWatchdog(notifier, _ => Task.FromResult(true), TimeProvider.System, NullLogger<SystemdWatchdog>.Instance, interval: null);

        await watchdog.StartAsync(CancellationToken.None);
        await Task.Delay(50);
        await watchdog.StopAsync(CancellationToken.None);

        Assert.That(notifier.Count, Is.Zero);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.That(condition(), Is.True);
    }

    private sealed class RecordingNotifier : ISystemdNotifier
    {
        private readonly List<string> _states = [];

        public bool IsEnabled => true;

        public int Count
        {
            get
            {
                lock (_states)
                {
                    return _states.Count;
                }
            }
        }

        public IReadOnlyList<string> States
        {
            get
            {
                lock (_states)
                {
                    return [.. _states];
                }
            }
        }

        public void Notify(ServiceState state)
        {
            lock (_states)
            {
                _states.Add(state.ToString());
            }
        }
    }
}
