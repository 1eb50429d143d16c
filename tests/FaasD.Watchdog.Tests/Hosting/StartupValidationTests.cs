using FaasD.Watchdog.Tests.Support;
using NUnit.Framework;

namespace FaasD.Watchdog.Tests.Hosting;

[TestFixture]
public sealed class StartupValidationTests
{
    [Test]
    public async Task BadConfiguration_ExitsTwoWithReasonOnStderr()
    {
        await using var watchdog = await WatchdogProcess.StartAsync(
            new Dictionary<string, string> { ["fprocess"] = "cat", ["exec_timeout"] = "forever" },
            waitUntilHealthy: false);

        var exitCode = await watchdog.WaitForExitAsync(TimeSpan.FromSeconds(20));
        await Task.Delay(100);

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(2));
            Assert.That(watchdog.Stderr, Does.Contain("exec_timeout 'forever'"));
        });
    }

    [Test]
    public async Task UnwritableLockDirectory_ExitsTwoWithReason()
    {
        await using var watchdog = await WatchdogProcess.StartAsync(
            new Dictionary<string, string> { ["fprocess"] = "cat", ["TMPDIR"] = "/nonexistent/fwatchdog-test" },
            waitUntilHealthy: false);

        var exitCode = await watchdog.WaitForExitAsync(TimeSpan.FromSeconds(20));
        await Task.Delay(100);

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(2));
            Assert.That(watchdog.Stderr, Does.Contain("cannot write lock file /nonexistent/fwatchdog-test/.lock"));
        });
    }
}
