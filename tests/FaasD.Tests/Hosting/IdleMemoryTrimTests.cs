using FaasD.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace FaasD.Tests.Hosting;

public sealed class IdleMemoryTrimTests
{
    private const long MiB = 1L << 20;

    private static readonly IdleMemoryTrimOptions Options = new()
    {
        Interval = TimeSpan.FromSeconds(10),
        Quiet = 4 * MiB,
        Slack = 8 * MiB,
        MinGap = TimeSpan.FromMinutes(1),
    };

    [Test]
    public void An_idle_daemon_with_slack_in_its_heap_is_trimmed()
    {
        var (heap, time, trim) = Create();
        heap.Committed = 40 * MiB;
        heap.Live = 6 * MiB;

        heap.Allocate(30 * MiB);
        trim.Check();                       // the burst is still going on in this interval
        Assert.That(heap.Compactions, Is.Zero);

        heap.Allocate(MiB);
        time.Advance(Options.Interval);
        trim.Check();                       // idle now: trim

        Assert.Multiple(() =>
        {
            Assert.That(heap.Compactions, Is.EqualTo(1));
            Assert.That(trim.Trims, Is.EqualTo(1));
            Assert.That(heap.Committed, Is.EqualTo(6 * MiB));
        });

        for (var i = 0; i < 20; i++)
        {
            heap.Allocate(MiB);
            time.Advance(Options.Interval);
            trim.Check();                   // still idle, nothing left to give back
        }

        Assert.That(heap.Compactions, Is.EqualTo(1));
    }

    [Test]
    public void Steady_load_is_never_interrupted_by_a_trim()
    {
        var (heap, time, trim) = Create();
        heap.Committed = 60 * MiB;
        heap.Live = 6 * MiB;

        for (var i = 0; i < 30; i++)
        {
            heap.Allocate(5 * MiB);
            time.Advance(Options.Interval);
            trim.Check();
        }

        Assert.That(heap.Compactions, Is.Zero);
    }

    [Test]
    public void A_heap_without_slack_is_left_alone()
    {
        var (heap, time, trim) = Create();
        heap.Committed = 12 * MiB;
        heap.Live = 6 * MiB;

        for (var i = 0; i < 30; i++)
        {
            time.Advance(Options.Interval);
            trim.Check();
        }

        Assert.That(heap.Compactions, Is.Zero);
    }

    [Test]
    public void A_heap_that_does_not_shrink_is_collected_at_most_once_a_minute()
    {
        var (heap, time, trim) = Create();
        heap.Committed = 40 * MiB;
        heap.Live = 6 * MiB;
        heap.Shrinks = false;

        for (var i = 0; i < 18; i++)          // three minutes of idle checks
        {
            time.Advance(Options.Interval);
            trim.Check();
        }

        Assert.That(heap.Compactions, Is.EqualTo(3));
    }

    [Test]
    public void Slack_that_comes_back_after_the_gap_is_trimmed_again()
    {
        var (heap, time, trim) = Create();
        heap.Live = 6 * MiB;
        heap.Committed = 40 * MiB;
        time.Advance(Options.Interval);
        trim.Check();

        heap.Committed = 40 * MiB;          // a second burst
        time.Advance(Options.MinGap);
        trim.Check();

        Assert.That(heap.Compactions, Is.EqualTo(2));
    }

    [Test]
    public void Start_up_garbage_is_returned_as_soon_as_start_up_is_over()
    {
        var (heap, time, trim) = Create();
        heap.Committed = 14 * MiB;          // before the first collection: everything counts as slack
        heap.Live = 0;
        heap.Allocate(14 * MiB);            // start-up was not quiet, which would hold the idle check back

        trim.AfterStartup();

        Assert.Multiple(() =>
        {
            Assert.That(heap.Compactions, Is.EqualTo(1));
            Assert.That(heap.Committed, Is.Zero);
        });

        heap.Committed = 10 * MiB;          // what the first seconds allocate (pool fill, scrapes) is start-up's too:
        heap.Allocate(MiB);                 // the first idle check returns it without waiting for the gap
        time.Advance(Options.Interval);
        trim.Check();
        Assert.That(heap.Compactions, Is.EqualTo(2));

        heap.Committed = 10 * MiB;          // from there on, the gap holds as ever
        time.Advance(Options.Interval);
        trim.Check();
        Assert.That(heap.Compactions, Is.EqualTo(2));
        time.Advance(Options.MinGap);
        trim.Check();
        Assert.That(heap.Compactions, Is.EqualTo(3));
    }

    [Test]
    public void Start_up_trim_needs_slack_and_trimming_on()
    {
        var (small, _, trim) = Create();
        small.Committed = 6 * MiB;
        trim.AfterStartup();

        var off = new FakeHeap { Committed = 40 * MiB };
        using var disabled = new IdleMemoryTrim(Options with { Interval = TimeSpan.Zero }, off, new FakeTimeProvider(), NullLogger<IdleMemoryTrim>.Instance);
        disabled.AfterStartup();

        Assert.Multiple(() =>
        {
            Assert.That(small.Compactions, Is.Zero, "6 MB of slack is below the 8 MB worth a pause");
            Assert.That(off.Compactions, Is.Zero, "--memory-trim-interval 0 turns every trim off");
        });
    }

    [Test]
    public async Task The_timer_drives_the_checks_and_an_interval_of_zero_turns_it_off()
    {
        var heap = new FakeHeap { Committed = 40 * MiB, Live = 6 * MiB };
        var time = new FakeTimeProvider();
        using var trim = new IdleMemoryTrim(Options, heap, time, NullLogger<IdleMemoryTrim>.Instance);
        await trim.StartAsync(CancellationToken.None);
        // The clock moves on each poll: an advance made before the service armed its timer would be lost.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (heap.Compactions == 0 && DateTime.UtcNow < deadline)
        {
            time.Advance(Options.Interval);
            await Task.Delay(10);
        }

        await trim.StopAsync(CancellationToken.None);
        Assert.That(heap.Compactions, Is.EqualTo(1));

        var offHeap = new FakeHeap { Committed = 40 * MiB, Live = 6 * MiB };
        using var off = new IdleMemoryTrim(Options with { Interval = TimeSpan.Zero }, offHeap, time, NullLogger<IdleMemoryTrim>.Instance);
        await off.StartAsync(CancellationToken.None);
        for (var i = 0; i < 5; i++)
        {
            time.Advance(Options.Interval);
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

    private static (FakeHeap Heap, FakeTimeProvider Time, IdleMemoryTrim Trim) Create()
    {
        var heap = new FakeHeap();
        var time = new FakeTimeProvider();
        return (heap, time, new IdleMemoryTrim(Options, heap, time, NullLogger<IdleMemoryTrim>.Instance));
    }

    private sealed class FakeHeap : IManagedHeap
    {
        private long _allocated;

        public long AllocatedBytes => Interlocked.Read(ref _allocated);

        public long CommittedBytes => Committed;

        public long LiveBytes => Live;

        public long Committed { get; set; }

        public long Live { get; set; }

        public bool Shrinks { get; set; } = true;

        public int Compactions { get; private set; }

        public void Allocate(long bytes) => Interlocked.Add(ref _allocated, bytes);

        public void Compact()
        {
            Compactions++;
            if (Shrinks)
            {
                Committed = Live;
            }
        }
    }
}
