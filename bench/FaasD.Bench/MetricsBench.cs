using System.Diagnostics;
using System.Text.Json.Nodes;
using FaasD.Gateway.Metrics;

namespace FaasD.Bench;

/// <summary>
/// Issue #15: what metrics cost on the hot path. (1) In process: the gateway's one counting point
/// (<c>InvocationMetrics.For(ns, name).OnStarted()/OnCompleted(code, started)</c>: prometheus-net children,
/// per-function recent window) per call, single-threaded and from 2 threads on one function. (2) Through the daemon:
/// gateway p50 at c=1 without anyone reading metrics, and while a scraper reads /metrics every second (15× the
/// default Prometheus interval), plus the time of one scrape.
/// </summary>
internal static class MetricsBench
{
    private const int Calls = 2_000_000;

    public static async Task RunAsync(BenchContext ctx, CancellationToken cancellationToken)
    {
        var json = new JsonObject();
        var single = RecordingCost(threads: 1);
        var two = RecordingCost(threads: 2);
        json["recordNsPerCall"] = Report.Round(single);
        json["recordNsPerCall2Threads"] = Report.Round(two);
        ctx.Report.AddTable(new Table($"Issue #15 metrics: cost of recording one call in process ({Calls:N0} calls)", "threads", "CPU ns per call (started + completed)")
            .Add("1", Report.F(single, "0"))
            .Add("2 (same function, one per core)", Report.F(two, "0")));

        var name = ctx.Name("metrics");
        BenchContext.Progress($"metrics: deploying {name}");
        await ctx.Daemon.DeployAsync(name, ctx.Httpd.Reference, null, cancellationToken);
        var url = ctx.Daemon.FunctionUrl(name, "/");
        BenchContext.Progress("metrics: c=1 gateway, nobody scraping");
        var quiet = await LoadGenerator.RunAsync("gateway", url, HttpMethod.Get, null, 1, ctx.Duration, ctx.Warmup, cancellationToken);

        BenchContext.Progress("metrics: c=1 gateway, /metrics scraped every second");
        using var scraping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var scrapes = new List<double>();
        var scraper = ScrapeAsync(ctx.Daemon.MetricsAddress, scrapes, scraping.Token);
        var scraped = await LoadGenerator.RunAsync("gateway", url, HttpMethod.Get, null, 1, ctx.Duration, ctx.Warmup, cancellationToken);
        await scraping.CancelAsync();
        await scraper;
        var scrapeStats = LatencyStats.Of(scrapes);

        ctx.Report.AddTable(new Table($"Issue #15 metrics: gateway c=1, busybox httpd GET /, {ctx.Duration.TotalSeconds:0} s per run", "run", "p50 ms", "p99 ms", "req/s", "errors", "load 1m")
            .Add("no scraper", Report.Ms(quiet.Latency.P50), Report.Ms(quiet.Latency.P99), Report.F(quiet.RequestsPerSecond, "0"), quiet.Errors.ToString(System.Globalization.CultureInfo.InvariantCulture), quiet.LoadAverage)
            .Add("/metrics every 1 s", Report.Ms(scraped.Latency.P50), Report.Ms(scraped.Latency.P99), Report.F(scraped.RequestsPerSecond, "0"), scraped.Errors.ToString(System.Globalization.CultureInfo.InvariantCulture), scraped.LoadAverage));
        ctx.Report.AddTable(new Table("Issue #15 metrics: one scrape of /metrics", "scrapes", "median ms", "max ms")
            .Add(scrapes.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Report.Ms(scrapeStats.P50), Report.Ms(scrapeStats.Max)));
        json["quiet"] = Report.ToJson(quiet);
        json["scraped"] = Report.ToJson(scraped);
        json["scrapeMs"] = Report.ToJson(scrapeStats);
        ctx.Report.Json["metrics"] = json;
        await ctx.Daemon.RemoveAsync(name, cancellationToken);
    }

    /// <summary>
    /// CPU time per recorded call (the calling thread's own CPU clock, so a busy machine that preempts the loop
    /// does not inflate the figure the way wall time would), averaged over every thread.
    /// </summary>
    private static double RecordingCost(int threads)
    {
        var metrics = new InvocationMetrics(TimeProvider.System);
        var ns = "bench-ns";
        var name = "bench-fn-" + threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Run(metrics, ns, name, 10_000);
        var perThread = Calls / threads;
        var cpuNanoseconds = new long[threads];
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var start = ThreadCpuNanoseconds();
            Run(metrics, ns, name, perThread);
            cpuNanoseconds[t] = ThreadCpuNanoseconds() - start;
        });
        metrics.Remove(ns, name);
        return (double)cpuNanoseconds.Sum() / (perThread * threads);

        static void Run(InvocationMetrics metrics, string ns, string name, int calls)
        {
            for (var i = 0; i < calls; i++)
            {
                var counters = metrics.For(ns, name);
                var started = counters.OnStarted();
                counters.OnCompleted(200, started);
            }
        }
    }

    private static long ThreadCpuNanoseconds()
    {
        const int ClockThreadCpuTimeId = 3;
        return clock_gettime(ClockThreadCpuTimeId, out var time) == 0 ? (time.Seconds * 1_000_000_000) + time.Nanoseconds : throw new BenchException("clock_gettime failed");
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int clock_gettime(int clockId, out TimeSpec time);

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private static async Task ScrapeAsync(Uri metrics, List<double> scrapes, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = metrics, Timeout = TimeSpan.FromSeconds(10) };
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var clock = Stopwatch.StartNew();
                var text = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative), cancellationToken);
                scrapes.Add(clock.Elapsed.TotalMilliseconds);
                _ = text.Length;
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
