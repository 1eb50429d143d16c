using FaasD.Compose.Model;
using FaasD.Compose.Restart;
using NUnit.Framework;
using FaasD.Shared;

namespace FaasD.Compose.Tests.Restart;

public sealed class RestartBackoffTests
{
    [Test]
    public void DoublesUpToTheCap()
    {
        var backoff = new RestartBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30));
        var delays = Enumerable.Range(0, 6).Select(_ => backoff.Next(TimeSpan.FromSeconds(1)).TotalSeconds);
        Assert.That(delays, Is.EqualTo(new[] { 1d, 2, 4, 8, 10, 10 }));
    }

    [Test]
    public void ALongRunStartsOver()
    {
        var backoff = new RestartBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30));
        backoff.Next(TimeSpan.Zero);
        backoff.Next(TimeSpan.Zero);
        Assert.That(backoff.Next(TimeSpan.FromMinutes(5)), Is.EqualTo(TimeSpan.FromSeconds(1)));
    }

    [TestCase(RestartMode.No, 1u, 0, false)]
    [TestCase(RestartMode.Always, 0u, 0, true)]
    [TestCase(RestartMode.UnlessStopped, 0u, 0, true)]
    [TestCase(RestartMode.OnFailure, 0u, 0, false)]
    [TestCase(RestartMode.OnFailure, 137u, 0, true)]
    public void PolicyDecides(RestartMode mode, uint exitCode, int restarts, bool expected) =>
        Assert.That(RestartDecision.ShouldRestart(new RestartPolicy(mode), exitCode, restarts), Is.EqualTo(expected));

    [Test]
    public void OnFailureStopsAfterMaxRetries()
    {
        var policy = new RestartPolicy(RestartMode.OnFailure, MaxRetries: 2);
        Assert.Multiple(() =>
        {
            Assert.That(RestartDecision.ShouldRestart(policy, 1, restartsSoFar: 1), Is.True);
            Assert.That(RestartDecision.ShouldRestart(policy, 1, restartsSoFar: 2), Is.False);
        });
    }
}
