namespace FaasD.Hosting;

/// <summary>
/// Gives memory back to the system once a burst of work is over. A deploy wave, a scale-to-zero of many functions
/// or a load test leaves the GC with committed regions far above the few MB the daemon keeps alive (measured with
/// 50 frozen functions: 2.5 MB of live objects, 13 MB more anonymous memory than at start); the GC keeps them for
/// the next burst, which on a 512 MB Raspberry Pi is memory the functions need. So when at least
/// <see cref="IdleMemoryTrimOptions.Burst"/> was allocated since the last trim and the daemon then allocated less
/// than <see cref="IdleMemoryTrimOptions.Quiet"/> during one check interval (it is idle), one aggressive,
/// compacting collection returns the free regions. It never runs under load (allocation then exceeds Quiet), and
/// a daemon that stays idle pays nothing after the first trim.
/// </summary>
internal sealed partial class IdleMemoryTrim(IdleMemoryTrimOptions options, IManagedHeap heap, TimeProvider time, ILogger<IdleMemoryTrim> logger)
    : BackgroundService
{
    private long _atLastTrim = heap.AllocatedBytes;
    private long _atLastCheck = heap.AllocatedBytes;

    /// <summary>Times the heap was trimmed (for tests and the log).</summary>
    public int Trims { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            Check();
        }
    }

    /// <summary>One check (the timer's tick; tests call it directly): trims when a burst is over.</summary>
    internal void Check()
    {
        var allocated = heap.AllocatedBytes;
        var sinceCheck = allocated - _atLastCheck;
        _atLastCheck = allocated;
        if (allocated - _atLastTrim < options.Burst || sinceCheck >= options.Quiet)
        {
            return;
        }

        var before = heap.CommittedBytes;
        heap.Compact();
        Trims++;
        _atLastTrim = _atLastCheck = heap.AllocatedBytes;
        LogTrimmed(before / 1024 / 1024, heap.CommittedBytes / 1024 / 1024);
    }

    [LoggerMessage(EventId = LogEvents.MemoryTrimmed, Level = LogLevel.Debug, Message = "Idle after a burst: managed heap trimmed, committed {BeforeMb} MB -> {AfterMb} MB")] private partial void LogTrimmed(long beforeMb, long afterMb);
}

/// <summary>When <see cref="IdleMemoryTrim"/> looks and what counts as a burst and as idle.</summary>
internal sealed record IdleMemoryTrimOptions
{
    /// <summary>How often allocation is checked; zero turns trimming off.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Allocation since the last trim that makes a trim worth its pause.</summary>
    public long Burst { get; init; } = 8L << 20;

    /// <summary>Allocation within one interval below which the daemon counts as idle.</summary>
    public long Quiet { get; init; } = 1L << 20;
}

/// <summary>The GC as the trimmer sees it: a seam so tests can drive it without real collections.</summary>
internal interface IManagedHeap
{
    long AllocatedBytes { get; }

    long CommittedBytes { get; }

    void Compact();
}

internal sealed class ManagedHeap : IManagedHeap
{
    public long AllocatedBytes => GC.GetTotalAllocatedBytes();

    public long CommittedBytes => GC.GetGCMemoryInfo().TotalCommittedBytes;

    // Aggressive: compact every generation and decommit what is free instead of keeping it for the next burst.
    public void Compact() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
}
