using System.Net;
using FaasD.Watchdog.Tests.Support;
using NUnit.Framework;

namespace FaasD.Watchdog.Tests.Health;

[TestFixture]
public sealed class HealthTests
{
    [Test]
    public async Task HealthAndReady_AnswerOkAndLockFileExists()
    {
        await using var watchdog = await WatchdogProcess.StartAsync(new Dictionary<string, string> { ["fprocess"] = "cat" });

        using var health = await watchdog.Client.GetAsync(new Uri("/_/health", UriKind.Relative));
        using var ready = await watchdog.Client.GetAsync(new Uri("/_/ready", UriKind.Relative));

        Assert.Multiple(async () =>
        {
            Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await health.Content.ReadAsStringAsync(), Is.EqualTo("OK"));
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(File.Exists(watchdog.LockFile), Is.True);
        });
    }

    [Test]
    public async Task Health_OtherMethods_Answer405()
    {
        await using var watchdog = await WatchdogProcess.StartAsync(new Dictionary<string, string> { ["fprocess"] = "cat" });

        using var response = await watchdog.Client.PostAsync(new Uri("/_/health", UriKind.Relative), new StringContent(""));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
    }

    [Test]
    public async Task RemovingLockFile_TurnsHealthAndReady503()
    {
        await using var watchdog = await WatchdogProcess.StartAsync(new Dictionary<string, string> { ["fprocess"] = "cat" });

        File.Delete(watchdog.LockFile);
        using var health = await watchdog.Client.GetAsync(new Uri("/_/health", UriKind.Relative));
        using var ready = await watchdog.Client.GetAsync(new Uri("/_/ready", UriKind.Relative));

        Assert.Multiple(() =>
        {
            Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        });
    }

    [Test]
    public async Task SuppressLock_WritesNoLockFileAndStaysHealthy()
    {
        await using var watchdog = await WatchdogProcess.StartAsync(new Dictionary<string, string> { ["fprocess"] = "cat", ["suppress_lock"] = "true" });

        Assert.That(File.Exists(watchdog.LockFile), Is.False);
    }

    [Test]
    public async Task MaxInflight_RefusesExcessWith429WhileSlowRequestRuns()
    {
        await using var watchdog = await WatchdogProcess.StartAsync(new Dictionary<string, string>
        {
            ["mode"] = "serializing",
            ["fprocess"] = "sleep 2",
            ["max_inflight"] = "1",
        });

        var slow = watchdog.Client.PostAsync(new Uri("/", UriKind.Relative), new StringContent(""));
        await Task.Delay(500);
        using var excess = await watchdog.Client.PostAsync(new Uri("/", UriKind.Relative), new StringContent(""));
        using var ready = await watchdog.Client.GetAsync(new Uri("/_/ready", UriKind.Relative));
        using var health = await watchdog.Client.GetAsync(new Uri("/_/health", UriKind.Relative));
        using var first = await slow;
        using var after = await watchdog.Client.GetAsync(new Uri("/_/ready", UriKind.Relative));

        Assert.Multiple(async () =>
        {
            Assert.That(excess.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(await excess.Content.ReadAsStringAsync(), Does.Contain("Max concurrent requests: 1"));
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "ready reports saturation");
            Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK), "health does not count against max_inflight");
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }
}
