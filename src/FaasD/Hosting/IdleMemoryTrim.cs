namespace FaasD.Hosting;

/// <summary>
/// Gives memory back to the system once a burst of work is over. A deploy wave, a scale-to-zero of many functions
/// or a load test leaves the GC with committed regions far above what the daemon keeps alive (measured with 50
/// frozen functions: 2.5 MB of live objects, 13 MB more anonymous memory than at start); the GC keeps them for the
/// next burst, which on a 512 MB Raspberry Pi is memory the functions need. So when the heap holds at least
/// <see cref="IdleMemoryTrimOptions.Slack"/> of committed memory beyond its live size, and the daemon allocated less
/// than <see cref="IdleMemoryTrimOptions.Quiet"/> during the last check interval (no load), one aggressive,
/// compacting collection returns the free regions. Under load it never runs, and after a trim it waits at least
/// <see cref="IdleMemoryTrimOptions.MinGap"/>, so a heap that cannot shrink further is not collected again and again.
/// </summary>
internal sealed partial class IdleMemoryTrim(IdleMemoryTrimOptions options, IManagedHeap heap, TimeProvider time, ILogger<IdleMemoryTrim> logger)
    : BackgroundService
{
    private long _atLastCheck = heap.AllocatedBytes;
    private long? _lastTrim;

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

    /// <summary>One check (the timer's tick; tests call it directly): trims when the daemon is idle and the heap holds slack.</summary>
    internal void Check()
    {
        var allocated = heap.AllocatedBytes;
        var sinceCheck = allocated - _atLastCheck;
        _atLastCheck = allocated;
        var now = time.GetTimestamp();
        var slack = heap.CommittedBytes - heap.LiveBytes;
        if (sinceCheck >= options.Quiet || slack < options.Slack || (_lastTrim is { } last && time.GetElapsedTime(last, now) < options.MinGap))
        {
            return;
        }

        Trim(lastTrim: now);
    }

    /// <summary>
    /// Start-up is a burst too: configuration, DI, recovery, the containerd channel, Kestrel and the hosted services
    /// allocate ≈ 10 MB before the GC has collected once, and the first idle check would return it only 20 s later.
    /// Called once, when the host has started (everything listens, every hosted service runs), so the daemon serves
    /// on the heap it keeps. Trimming off (interval zero) or a heap without slack: nothing happens.
    /// </summary>
    internal void AfterStartup()
    {
        if (options.Interval > TimeSpan.Zero && heap.CommittedBytes - heap.LiveBytes >= options.Slack)
        {
            // Not a trim the gap counts from: what the first minutes allocate (the pool's fill, the first scrapes)
            // is garbage of the same start, which the first idle check may return.
            Trim(lastTrim: null);
        }
    }

    private void Trim(long? lastTrim)
    {
        var before = heap.CommittedBytes;
        heap.Compact();
        Trims++;
        _lastTrim = lastTrim;
        _atLastCheck = heap.AllocatedBytes;
        LogTrimmed(before / 1024 / 1024, heap.CommittedBytes / 1024 / 1024);
    }

    [LoggerMessage(EventId = LogEvents.MemoryTrimmed, Level = LogLevel.Debug, Message = "Idle: managed heap trimmed, committed {BeforeMb} MB -> {AfterMb} MB")] private partial void LogTrimmed(long beforeMb, long afterMb);
}

/// <summary>When <see cref="IdleMemoryTrim"/> looks, what counts as idle and how much slack is worth a trim.</summary>
internal sealed record IdleMemoryTrimOptions
{
    /// <summary>How often allocation is checked; zero turns trimming off.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Allocation within one interval below which the daemon counts as idle (an idle daemon with 100
    /// functions still allocates a little: idler, log pump, metrics).</summary>
    public long Quiet { get; init; } = 4L << 20;

    /// <summary>Committed heap memory beyond the live size that makes a trim worth its pause. Small: the pause (a few
    /// ms for the daemon's few MB of live objects) falls on an idle daemon at most once a minute, and on a 512 MB
    /// Raspberry Pi each MB is the functions'.</summary>
    public long Slack { get; init; } = 2L << 20;

    /// <summary>Shortest time between two trims.</summary>
    public TimeSpan MinGap { get; init; } = TimeSpan.FromMinutes(1);
}

/// <summary>The GC as the trimmer sees it: a seam so tests can drive it without real collections.</summary>
internal interface IManagedHeap
{
    long AllocatedBytes { get; }

    long CommittedBytes { get; }

    /// <summary>The heap's size after the last collection (what it would shrink to).</summary>
    long LiveBytes { get; }

    void Compact();
}

internal sealed class ManagedHeap : IManagedHeap
{
    public long AllocatedBytes => GC.GetTotalAllocatedBytes();

    // GetGCMemoryInfo describes the last collection, and reads all zeros until there has been one. An idle daemon
    // may not collect for hours after start-up, which leaves ≈ 15 MB of start-up garbage (configuration, DI,
    // recovery) committed; so before the first collection the heap counts as all slack: what it holds, nothing live.
    // After a collection, what was allocated since counts too: the last collection's figures alone would not see
    // the garbage of a quiet hour that never filled gen0's budget.
    public long CommittedBytes => Collected
        ? Math.Max(GC.GetGCMemoryInfo().TotalCommittedBytes, GC.GetTotalMemory(forceFullCollection: false))
        : GC.GetTotalMemory(forceFullCollection: false);

    public long LiveBytes => Collected ? GC.GetGCMemoryInfo().HeapSizeBytes : 0;

    private static bool Collected => GC.CollectionCount(0) > 0;

    // Aggressive: compact every generation and decommit what is free instead of keeping it for the next burst.
    public void Compact() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
}
