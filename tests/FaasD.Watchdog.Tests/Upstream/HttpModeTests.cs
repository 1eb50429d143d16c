using System.Net;
using System.Text;
using FaasD.Watchdog.Tests.Support;
using NUnit.Framework;

namespace FaasD.Watchdog.Tests.Upstream;

[TestFixture]
public sealed class HttpModeTests
{
    [Test]
    public async Task ProxiesStaticFileWithUpstreamHeadersAndDuration()
    {
        using var site = new BusyboxSite();
        await using var watchdog = await WatchdogProcess.StartAsync(site.WatchdogEnvironment());

        using var response = await watchdog.Client.GetAsync(new Uri("/hello.txt", UriKind.Relative));

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("hello from upstream\n"));
            Assert.That(response.Headers.ETag, Is.Not.Null, "upstream headers are copied");
            Assert.That(response.Headers.Contains("X-Duration-Seconds"), Is.True);
        });
    }

    [Test]
    public async Task PassesUpstreamStatusThrough()
    {
        using var site = new BusyboxSite();
        await using var watchdog = await WatchdogProcess.StartAsync(site.WatchdogEnvironment());

        using var response = await watchdog.Client.GetAsync(new Uri("/missing.txt", UriKind.Relative));

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(response.Headers.Contains("X-OpenFaaS-Internal"), Is.False, "a function's 404 is not a watchdog failure");
        });
    }

    [Test]
    public async Task ProxiesRequestBodyAndQuery()
    {
        using var site = new BusyboxSite();
        await using var watchdog = await WatchdogProcess.StartAsync(site.WatchdogEnvironment());
        var body = new string('x', 200_000);

        using var response = await watchdog.Client.PostAsync(new Uri("/cgi-bin/echo?a=b", UriKind.Relative), new StringContent(body, Encoding.UTF8, "text/plain"));

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo(body));
            Assert.That(response.Headers.GetValues("X-Upstream").Single(), Is.EqualTo("busybox"));
        });
    }

    [Test]
    public async Task ExecTimeout_Answers504WithInternalHeader()
    {
        using var site = new BusyboxSite();
        await using var watchdog = await WatchdogProcess.StartAsync(site.WatchdogEnvironment(("exec_timeout", "1s")));

        using var response = await watchdog.Client.GetAsync(new Uri("/cgi-bin/slow", UriKind.Relative));

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.GatewayTimeout));
            Assert.That(response.Headers.GetValues("X-OpenFaaS-Internal").Single(), Is.EqualTo("of-watchdog"));
        });
    }

    [Test]
    public async Task XTimeoutHeader_LowersExecTimeout()
    {
        using var site = new BusyboxSite();
        await using var watchdog = await WatchdogProcess.StartAsync(site.WatchdogEnvironment(("exec_timeout", "30s")));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/cgi-bin/slow");
        request.Headers.Add("X-Timeout", "500ms");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        using var response = await watchdog.Client.SendAsync(request);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.GatewayTimeout));
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(3)));
        });
    }

    [Test]
    public async Task UpstreamDies_HealthTurns503_ThenProcessIsRestartedAndServesAgain()
    {
        using var site = new BusyboxSite();
        await using var watchdog = await WatchdogProcess.StartAsync(site.WatchdogEnvironment());
        var original = watchdog.ChildPids().Single();

        Signals.Send(original, Signals.SIGKILL);
        await watchdog.WaitForHealthAsync(HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(5));
        await watchdog.WaitForHealthAsync(HttpStatusCode.OK, TimeSpan.FromSeconds(10));
        using var response = await watchdog.Client.GetAsync(new Uri("/hello.txt", UriKind.Relative));

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(watchdog.ChildPids().Single(), Is.Not.EqualTo(original));
            Assert.That(watchdog.Stderr, Does.Contain("restarting"));
        });
    }

    [Test]
    public async Task UpstreamNotListeningYet_HealthIs503()
    {
        // Nothing ever listens on this port: the process runs, but the function is never ready.
        var port = FreePort.Next();
        await using var watchdog = await WatchdogProcess.StartAsync(
            new Dictionary<string, string> { ["mode"] = "http", ["fprocess"] = "sleep 60", ["upstream_url"] = $"http://127.0.0.1:{port}" },
            waitUntilHealthy: false);

        await watchdog.WaitForHealthAsync(HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30));
        using var ready = await watchdog.Client.GetAsync(new Uri("/_/ready", UriKind.Relative));

        Assert.Multiple(() =>
        {
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(File.Exists(watchdog.LockFile), Is.False, "the lock file means ready");
        });
    }

    [Test]
    public async Task Sigterm_StopsTheUpstreamProcessAndExitsZero()
    {
        using var site = new BusyboxSite();
        await using var watchdog = await WatchdogProcess.StartAsync(site.WatchdogEnvironment(("healthcheck_interval", "0")));
        var upstream = watchdog.ChildPids().Single();

        Signals.Send(watchdog.Pid, Signals.SIGTERM);
        var exitCode = await watchdog.WaitForExitAsync(TimeSpan.FromSeconds(10));
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (IsRunning(upstream) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero);
            Assert.That(IsRunning(upstream), Is.False, "no orphaned upstream after the watchdog exits");
        });
    }

    /// <summary>Alive and not a zombie waiting to be reaped by init.</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            return !File.ReadAllText($"/proc/{pid}/status").Contains("State:\tZ", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
