using FaasD.Shared;
using NUnit.Framework;

namespace FaasD.Network.Tests.Concurrency;

public sealed class KeyedAsyncLockTests
{
    [Test]
    public async Task Same_key_waits_for_the_holder()
    {
        var locks = new KeyedAsyncLock<string>(StringComparer.Ordinal);
        var first = await locks.AcquireAsync("a", CancellationToken.None);

        var second = locks.AcquireAsync("a", CancellationToken.None);
        await Task.Delay(50);
        Assert.That(second.IsCompleted, Is.False);

        first.Dispose();
        (await second.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }

    [Test]
    public async Task Different_keys_do_not_wait_for_each_other()
    {
        var locks = new KeyedAsyncLock<string>(StringComparer.Ordinal);
        using var first = await locks.AcquireAsync("a", CancellationToken.None);

        using var second = await locks.AcquireAsync("b", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.That(locks.Count, Is.EqualTo(2));
    }

    [Test]
    public async Task Entries_are_dropped_when_released()
    {
        var locks = new KeyedAsyncLock<string>(StringComparer.Ordinal);
        var held = await locks.AcquireAsync("a", CancellationToken.None);
        var waiting = locks.AcquireAsync("a", CancellationToken.None);

        held.Dispose();
        held.Dispose();
        (await waiting).Dispose();

        Assert.That(locks.Count, Is.Zero);
    }

    [Test]
    public async Task A_cancelled_waiter_leaves_no_entry_behind()
    {
        var locks = new KeyedAsyncLock<string>(StringComparer.Ordinal);
        var held = await locks.AcquireAsync("a", CancellationToken.None);
        using var cancel = new CancellationTokenSource(50);

        Assert.That(async () => await locks.AcquireAsync("a", cancel.Token), Throws.InstanceOf<OperationCanceledException>());
        held.Dispose();

        Assert.That(locks.Count, Is.Zero);
    }

    [Test]
    public async Task Holders_of_one_key_never_overlap()
    {
        var locks = new KeyedAsyncLock<string>(StringComparer.Ordinal);
        var inside = 0;
        var maximum = 0;

        await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var held = await locks.AcquireAsync("a", CancellationToken.None);
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref maximum, now);
            await Task.Delay(2);
            Interlocked.Decrement(ref inside);
        }));

        Assert.That(maximum, Is.EqualTo(1));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
