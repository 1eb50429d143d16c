using FaasD.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace FaasD.Tests.Hosting;

public sealed class IdleMemoryTrimTests
{
    private const long MiB = 1L << 20;
    private static readonly IdleMemoryTrimOptions Options = new() { Interval = TimeSpan.FromSeconds(10), Burst = 8 * MiB, Quiet = 1 * MiB };

    [Test]
    public void A_burst_followed_by_a_quiet_interval_is_trimmed_once()
    {
        var heap = new FakeHeap();
        var trim = Create(heap);

        heap.Allocate(20 * MiB);
        trim.Check();                       // the burst is still going on in this interval
        Assert.That(heap.Compactions, Is.Zero);

        heap.Allocate(100 * 1024);
        trim.Check();                       // quiet now: trim
        heap.Allocate(100 * 1024);
        trim.Check();                       // still quiet, but nothing new to give back
        trim.Check();

        Assert.Multiple(() =>
        {
            Assert.That(heap.Compactions, Is.EqualTo(1));
            Assert.That(trim.Trims, Is.EqualTo(1));
        });
    }

    [Test]
    public void Steady_load_is_never_interrupted_by_a_trim()
    {
        var heap = new FakeHeap();
        var trim = Create(heap);

        for (var i = 0; i < 30; i++)
        {
            heap.Allocate(5 * MiB);
            trim.Check();
        }

        Assert.That(heap.Compactions, Is.Zero);
    }

    [Test]
    public void An_idle_daemon_that_allocates_a_little_is_not_trimmed()
    {
        var heap = new FakeHeap();
        var trim = Create(heap);

        for (var i = 0; i < 100; i++)
        {
            heap.Allocate(50 * 1024);
            trim.Check();
        }

        Assert.That(heap.Compactions, Is.Zero, "5 MB over 100 intervals never makes a burst");
    }

    [Test]
    public void A_second_burst_is_trimmed_again()
    {
        var heap = new FakeHeap();
        var trim = Create(heap);

        foreach (var _ in Enumerable.Range(0, 2))
        {
            heap.Allocate(10 * MiB);
            trim.Check();
            trim.Check();
        }

        Assert.That(heap.Compactions, Is.EqualTo(2));
    }

    [Test]
    public async Task The_timer_drives_the_checks_and_an_interval_of_zero_turns_it_off()
    {
        var heap = new FakeHeap();
        var time = new FakeTimeProvider();
        using var trim = new IdleMemoryTrim(Options, heap, time, NullLogger<IdleMemoryTrim>.Instance);
        await trim.StartAsync(CancellationToken.None);
        heap.Allocate(20 * MiB);
        // The first tick sees the burst, the second a quiet interval. The clock moves on each poll: an advance made
        // before the service armed its timer would be lost.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (heap.Compactions == 0 && DateTime.UtcNow < deadline)
        {
            time.Advance(Options.Interval);
            await Task.Delay(10);
        }

        await trim.StopAsync(CancellationToken.None);
        Assert.That(heap.Compactions, Is.EqualTo(1));

        var offHeap = new FakeHeap();
        using var off = new IdleMemoryTrim(Options with { Interval = TimeSpan.Zero }, offHeap, time, NullLogger<IdleMemoryTrim>.Instance);
        await off.StartAsync(CancellationToken.None);
        offHeap.Allocate(20 * MiB);
        for (var i = 0; i < 5; i++)
        {
            time.Advance(TimeSpan.FromSeconds(10));
            await Task.Delay(10);
        }

        await off.StopAsync(CancellationToken.None);
        Assert.That(offHeap.Compactions, Is.Zero);
    }

    [Test]
    public void The_real_heap_gives_committed_memory_back_after_a_burst()
    {
        var heap = new ManagedHeap();
        var garbage = new List<byte[]>();
        for (var i = 0; i < 200; i++)
        {
            garbage.Add(new byte[256 * 1024]);
        }

        var withGarbage = heap.CommittedBytes;
        garbage.Clear();
        heap.Compact();

        Assert.That(heap.CommittedBytes, Is.LessThan(withGarbage - (16 * MiB)), "50 MB of garbage was decommitted");
    }

    private static IdleMemoryTrim Create(IManagedHeap heap) =>
        new(Options, heap, new FakeTimeProvider(), NullLogger<IdleMemoryTrim>.Instance);

    private sealed class FakeHeap : IManagedHeap
    {
        private long _allocated;

        public long AllocatedBytes => Interlocked.Read(ref _allocated);

        public long CommittedBytes => 64 * MiB;

        public int Compactions { get; private set; }

        public void Allocate(long bytes) => Interlocked.Add(ref _allocated, bytes);

        public void Compact() => Compactions++;
    }
}
