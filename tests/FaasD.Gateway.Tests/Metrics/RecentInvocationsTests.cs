using FaasD.Gateway.Metrics;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace FaasD.Gateway.Tests.Metrics;

internal sealed class RecentInvocationsTests
{
    [Test]
    public void Calls_land_in_their_interval_and_old_intervals_roll_off()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_000_000));
        var recent = new RecentInvocations(time);
        recent.Record(0.2, isError: false);
        recent.Record(0.4, isError: true);
        time.Advance(TimeSpan.FromSeconds(10));
        recent.Record(0.1, isError: false);

        var slots = recent.Slots();
        Assert.That(slots, Has.Count.EqualTo(RecentInvocations.SlotCount));
        Assert.That(slots[^1], Is.EqualTo(new RecentSlot(DateTimeOffset.FromUnixTimeSeconds(1_000_010), 1, 0, 0.1)));
        Assert.That(slots[^2].Calls, Is.EqualTo(2));
        Assert.That(slots[^2].Errors, Is.EqualTo(1));
        Assert.That(slots[^2].SecondsTotal, Is.EqualTo(0.6).Within(1e-6));
        Assert.That(slots.Take(RecentInvocations.SlotCount - 2).Sum(s => s.Calls), Is.Zero);

        // A full window later the same ring slots are reused from zero.
        time.Advance(RecentInvocations.SlotLength * RecentInvocations.SlotCount);
        recent.Record(0.3, isError: false);
        Assert.That(recent.Slots().Sum(s => s.Calls), Is.EqualTo(1));
    }

    [Test]
    public void Median_is_of_the_latest_sample()
    {
        var recent = new RecentInvocations(new FakeTimeProvider());
        Assert.That(recent.Median(), Is.Null);
        foreach (var seconds in new[] { 0.5, 0.1, 0.3 })
        {
            recent.Record(seconds, isError: false);
        }

        Assert.That(recent.Median(), Is.EqualTo(0.3));

        // Only the latest SampleSize calls count: flood with 1 s calls and the median follows.
        for (var i = 0; i < RecentInvocations.SampleSize; i++)
        {
            recent.Record(1, isError: false);
        }

        Assert.That(recent.Median(), Is.EqualTo(1));
    }
}
