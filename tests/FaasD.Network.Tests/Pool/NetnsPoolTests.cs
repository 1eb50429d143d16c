using System.Collections.Concurrent;
using FaasD.Network.Pool;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace FaasD.Network.Tests.Pool;

/// <summary>The pool's bookkeeping against a fake manager: what it creates, hands out, releases and retries.</summary>
public sealed class NetnsPoolTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Test]
    public async Task Fills_to_its_size_and_refills_after_each_take()
    {
        var fake = new FakeAttachments();
        var pool = NewPool(fake, size: 3);

        pool.Start();
        await WaitUntilAsync(() => pool.ReadyCount == 3);
        Assert.That(fake.Created, Has.Count.EqualTo(3));
        Assert.That(fake.Created, Is.Unique);
        Assert.That(fake.Created, Has.All.StartsWith("test-pool-"));

        Assert.That(pool.TryTake(out var taken), Is.True);
        Assert.That(fake.Created, Does.Contain(taken));
        await WaitUntilAsync(() => fake.Created.Count == 4 && pool.ReadyCount == 3);

        await pool.StopAsync(CancellationToken.None);
        Assert.That(fake.Released, Is.EquivalentTo(fake.Created.Where(id => id != taken)), "every entry not handed out is released at stop");
    }

    [Test]
    public async Task Recovered_entries_are_handed_out_before_new_ones_and_extras_are_released()
    {
        var fake = new FakeAttachments { Recovered = ["test-pool-a", "test-pool-b", "test-pool-c"] };
        var pool = NewPool(fake, size: 2);

        pool.Start();
        await WaitUntilAsync(() => pool.IsFilled && fake.Released.Count == 1);

        Assert.That(fake.Created, Is.Empty, "recovered entries fill the pool without ADD");
        Assert.That(fake.Released, Is.EqualTo(new[] { "test-pool-c" }));
        Assert.That(pool.TryTake(out var first), Is.True);
        Assert.That(first, Is.EqualTo("test-pool-a"));
        await pool.StopAsync(CancellationToken.None);
    }

    [Test]
    public async Task Size_zero_releases_what_a_crashed_run_left_and_creates_nothing()
    {
        var fake = new FakeAttachments { Recovered = ["test-pool-a"] };
        var pool = NewPool(fake, size: 0);

        pool.Start();
        await WaitUntilAsync(() => fake.Released.Count == 1);

        Assert.That(pool.TryTake(out _), Is.False);
        Assert.That(fake.Created, Is.Empty);
        await pool.StopAsync(CancellationToken.None);
    }

    [Test]
    public async Task A_discarded_entry_is_released_by_the_loop()
    {
        var fake = new FakeAttachments();
        var pool = NewPool(fake, size: 1);
        pool.Start();
        await WaitUntilAsync(() => pool.ReadyCount == 1);

        Assert.That(pool.TryTake(out var taken), Is.True);
        pool.Discard(taken);

        await WaitUntilAsync(() => fake.Released.Contains(taken) && pool.ReadyCount == 1);
        await pool.StopAsync(CancellationToken.None);
    }

    [Test]
    public async Task A_failed_refill_is_retried_after_the_delay()
    {
        var time = new FakeTimeProvider();
        var fake = new FakeAttachments { FailuresLeft = 1 };
        var pool = NewPool(fake, size: 1, time);

        pool.Start();
        await WaitUntilAsync(() => fake.Attempts == 1);
        await Task.Delay(200, CancellationToken.None);
        Assert.That(pool.ReadyCount, Is.Zero);
        Assert.That(fake.Attempts, Is.EqualTo(1), "no retry while the (fake) clock stands still");

        // The failed attempt is seen before the loop has armed its delay timer; a single Advance made in between
        // would be lost (the timer then counts from the new now), so the clock moves on each poll until the retry.
        await WaitUntilAsync(() =>
        {
            time.Advance(TimeSpan.FromSeconds(5));
            return pool.ReadyCount == 1;
        });
        Assert.That(fake.Attempts, Is.EqualTo(2));
        await pool.StopAsync(CancellationToken.None);
    }

    [Test]
    public async Task A_take_is_refilled_only_once_takes_have_stopped_for_the_refill_delay()
    {
        var time = new FakeTimeProvider();
        var fake = new FakeAttachments();
        var pool = NewPool(fake, size: 2, time);
        pool.Start();
        await WaitUntilAsync(() => pool.ReadyCount == 2);

        Assert.That(pool.TryTake(out _), Is.True);
        time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.That(pool.TryTake(out _), Is.True, "a second take inside the window starts it again");
        time.Advance(TimeSpan.FromMilliseconds(200));
        await Task.Delay(200, CancellationToken.None);
        Assert.That(fake.Created, Has.Count.EqualTo(2), "no ADD while the takers' tasks start (400 ms after the first take, 200 after the last)");

        // As in the retry test: the clock moves on each poll, since an advance before the loop armed its timer is lost.
        await WaitUntilAsync(() =>
        {
            time.Advance(TimeSpan.FromMilliseconds(50));
            return pool.ReadyCount == 2;
        });
        Assert.That(fake.Created, Has.Count.EqualTo(4));
        await pool.StopAsync(CancellationToken.None);
    }

    [Test]
    public async Task A_stop_while_recovery_is_still_running_releases_what_the_last_run_left()
    {
        var fake = new FakeAttachments { Recovered = ["test-pool-a", "test-pool-b"], HoldFirstRecovery = true };
        var pool = NewPool(fake, size: 2);

        pool.Start();
        await WaitUntilAsync(() => fake.RecoveryCalls == 1);
        await pool.StopAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(fake.Released, Is.EquivalentTo(new[] { "test-pool-a", "test-pool-b" }), "nothing is left for a next start that may never come");
            Assert.That(fake.Created, Is.Empty);
        });
    }

    [Test]
    public async Task A_stop_in_the_middle_of_an_attach_releases_the_half_made_entry()
    {
        var fake = new FakeAttachments { HoldCreate = true };
        var pool = NewPool(fake, size: 1);

        pool.Start();
        await WaitUntilAsync(() => fake.Attempts == 1);
        await pool.StopAsync(CancellationToken.None);

        Assert.That(fake.Released, Is.EqualTo(fake.Begun.ToArray()), "the attach that was under way is released");
        Assert.That(fake.Released, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Stop_without_start_does_nothing()
    {
        var fake = new FakeAttachments();
        await NewPool(fake, size: 2).StopAsync(CancellationToken.None);
        Assert.That(fake.Created, Is.Empty);
        Assert.That(fake.Released, Is.Empty);
    }

    private static NetnsPool NewPool(FakeAttachments fake, int size, TimeProvider? time = null) =>
        new(fake, new NetworkOptions { PoolSize = size, PoolIdPrefix = "test-pool", PoolRetryDelay = TimeSpan.FromSeconds(5), PoolRefillDelay = TimeSpan.FromMilliseconds(250) },
            NullLogger.Instance, time ?? TimeProvider.System);

    /// <summary>Polls a condition the pool's background loop will make true; fails (never hangs) after a bound.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var bound = new CancellationTokenSource(Bound);
        while (!condition())
        {
            if (bound.IsCancellationRequested)
            {
                Assert.Fail("the pool did not get there within the bound");
            }

            await Task.Delay(5, CancellationToken.None);
        }
    }

    private sealed class FakeAttachments : IPooledAttachments
    {
        private int _attempts;

        public ConcurrentQueue<string> Created { get; } = new();

        public ConcurrentQueue<string> Released { get; } = new();

        public IReadOnlyList<string> Recovered { get; init; } = [];

        public int FailuresLeft { get; set; }

        public int Attempts => Volatile.Read(ref _attempts);

        /// <summary>The first recovery waits until the pool stops (a start and stop within moments).</summary>
        public bool HoldFirstRecovery { get; init; }

        /// <summary>Every attach begins, then waits until the pool stops.</summary>
        public bool HoldCreate { get; init; }

        public ConcurrentQueue<string> Begun { get; } = new();

        public int RecoveryCalls => Volatile.Read(ref _recoveryCalls);

        private int _recoveryCalls;

        public async Task CreateAsync(string poolId, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _attempts);
            if (HoldCreate)
            {
                Begun.Enqueue(poolId);
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            CreateCore(poolId);
        }

        private void CreateCore(string poolId)
        {
            if (FailuresLeft > 0)
            {
                FailuresLeft--;
                throw new NetworkException("IPAM is full");
            }

            Created.Enqueue(poolId);
        }

        public Task ReleaseAsync(string poolId, CancellationToken cancellationToken)
        {
            Released.Enqueue(poolId);
            return Task.CompletedTask;
        }

        public async Task<IReadOnlyList<string>> RecoverAsync(string poolIdPrefix, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _recoveryCalls) == 1 && HoldFirstRecovery)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return Recovered;
        }
    }
}
