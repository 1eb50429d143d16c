using System.Diagnostics;
using System.Globalization;
using FaasD.TestSupport;
using NUnit.Framework;

namespace FaasD.Tests.Daemon;

/// <summary>
/// A real `faasd up` left idle after start gives its start-up garbage back. Start-up (configuration, DI, recovery,
/// Kestrel) allocates ≈ 15 MB that an idle daemon may not collect for hours; the idle trim used to read the GC's
/// figures of the last collection, all zeros before the first one, and so never ran.
/// </summary>
[Integration]
[NonParallelizable]
internal sealed class IdleMemoryTrimDaemonTests
{
    private const double MaxIdleHeap = 8 << 20;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StartupBound = TimeSpan.FromSeconds(3);

    [Test]
    public async Task An_idle_daemon_trims_the_heap_its_start_up_left_behind()
    {
        TestEnvironment.RequireContainerd();
        await using var daemon = new DaemonProcess(new DaemonProcessOptions
        {
            ExtraEnv = new Dictionary<string, string> { ["FAASD_LOG_LEVEL"] = "Debug", ["FAASD_NETNS_POOL_SIZE"] = "0" },
            ExtraArgs = ["--memory-trim-interval", "1s"],
        });
        await daemon.StartAsync();

        // The JIT-compiled daemon (no FAASD_TEST_BINARY) usually collects during start-up already; the native one
        // does not, and held ≈ 15 MB here until the trim read the heap right.
        var heapBytes = await HeapBelowLimitWithinAsync(daemon, Bound);

        Assert.That(heapBytes, Is.LessThan(MaxIdleHeap), $"an idle daemon's heap holds what it keeps, not start-up garbage; its log:\n{daemon.Output}");
    }

    [Test]
    public async Task Start_up_garbage_is_returned_once_the_daemon_serves()
    {
        TestEnvironment.RequireContainerd();
        await using var daemon = new DaemonProcess(new DaemonProcessOptions
        {
            ExtraEnv = new Dictionary<string, string> { ["FAASD_LOG_LEVEL"] = "Debug", ["FAASD_NETNS_POOL_SIZE"] = "0" },
        });
        await daemon.StartAsync();

        // The default interval (10 s) leaves the idle checks out of this window: only the start-up trim can pass it.
        var heapBytes = await HeapBelowLimitWithinAsync(daemon, StartupBound);

        Assert.That(heapBytes, Is.LessThan(MaxIdleHeap), $"the heap right after start holds what the daemon keeps; its log:\n{daemon.Output}");
    }

    /// <summary>Polls the daemon's heap gauge until it is below the limit or the bound is over; returns the last reading.</summary>
    private static async Task<double> HeapBelowLimitWithinAsync(DaemonProcess daemon, TimeSpan bound)
    {
        using var metrics = new HttpClient { BaseAddress = daemon.MetricsAddress, Timeout = TimeSpan.FromSeconds(10) };
        var clock = Stopwatch.StartNew();
        double heapBytes;
        while ((heapBytes = Gauge(await metrics.GetStringAsync("/metrics"), "dotnet_total_memory_bytes")) >= MaxIdleHeap && clock.Elapsed < bound)
        {
            await Task.Delay(100);
        }

        return heapBytes;
    }

    private static double Gauge(string exposition, string name)
    {
        var line = exposition.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal))
            ?? throw new AssertionException($"no {name} in /metrics");
        return double.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
    }
}
