using FaasD.Functions.Replicas;
using NUnit.Framework;

namespace FaasD.Functions.Tests.Replicas;

internal sealed class RestartBackoffTests
{
    [Test]
    public void A_crash_loop_backs_off_and_a_stable_replica_is_restarted_at_once()
    {
        var backoff = ReplicaSupervisor.NewBackoff();
        var delays = Enumerable.Range(0, 8).Select(_ => backoff.Next(TimeSpan.FromSeconds(1)).TotalSeconds).ToList();
        Assert.That(delays, Is.EqualTo(new double[] { 0, 1, 2, 4, 8, 16, 30, 30 }));
        Assert.That(backoff.Next(TimeSpan.FromMinutes(5)), Is.EqualTo(TimeSpan.Zero));
    }
}
