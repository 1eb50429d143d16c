using System.Diagnostics;
using System.Net;
using FaasD.Watchdog.Tests.Support;
using NUnit.Framework;

namespace FaasD.Watchdog.Tests.Hosting;

[TestFixture]
public sealed class DrainTests
{
    [Test]
    public async Task Sigterm_TurnsHealth503_FinishesInflightRequest_ThenExitsZero()
    {
        await using var watchdog = await WatchdogProcess.StartAsync(new Dictionary<string, string>
        {
            ["mode"] = "serializing",
            ["fprocess"] = "sleep 3",
            ["healthcheck_interval"] = "1s",
            ["write_timeout"] = "10s",
        });
        var slow = watchdog.Client.PostAsync(new Uri("/", UriKind.Relative), new StringContent(""));
        await Task.Delay(300);

        var clock = Stopwatch.StartNew();
        Signals.Send(watchdog.Pid, Signals.SIGTERM);
        await watchdog.WaitForHealthAsync(HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(2));
        var unhealthyAt = clock.Elapsed;
        var lockRemoved = !File.Exists(watchdog.LockFile);
        using var response = await slow;
        var completedAt = clock.Elapsed;
        var exitCode = await watchdog.WaitForExitAsync(TimeSpan.FromSeconds(15));

        Assert.Multiple(() =>
        {
            Assert.That(unhealthyAt, Is.LessThan(completedAt), "health turns 503 before the in-flight request finishes");
            Assert.That(lockRemoved, Is.True);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the in-flight request completes");
            Assert.That(exitCode, Is.Zero);
            Assert.That(watchdog.Stderr, Does.Contain("SIGTERM"));
        });
    }

    [Test]
    public async Task Sigterm_WhenIdle_ExitsAfterHealthcheckInterval()
    {
        await using var watchdog = await WatchdogProcess.StartAsync(new Dictionary<string, string> { ["fprocess"] = "cat", ["healthcheck_interval"] = "500ms" });
        var clock = Stopwatch.StartNew();

        Signals.Send(watchdog.Pid, Signals.SIGTERM);
        var exitCode = await watchdog.WaitForExitAsync(TimeSpan.FromSeconds(10));

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero);
            Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(450)));
        });
    }
}
