using Prometheus;

namespace FaasD.Metrics;

/// <summary>
/// The daemon's Prometheus registry and FaasD's own series (<c>faasd_*</c>). Any layer records through the
/// small static methods below, so callers need no Prometheus types; the gateway exports the registry on the
/// metrics listener. Every series with a function carries <c>function_name</c> as <c>name.namespace</c>,
/// like the OpenFaaS gateway. Recording is lock-free (prometheus-net children use Interlocked updates).
/// </summary>
public static class FaasDMetrics
{
    // Wakes are thaws (milliseconds) and cold starts are task starts (a second or more): one bucket set covers both.
    private static readonly double[] s_startBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private static readonly Histogram s_wake;
    private static readonly Histogram s_coldStart;
    private static readonly Gauge s_asyncQueueDepth;
    private static readonly Counter s_asyncRetries;
    private static readonly Counter s_asyncCallbacks;
    private static readonly Counter s_cronRuns;
    private static readonly Counter s_imagePulls;
    private static readonly Histogram s_imagePullSeconds;

    static FaasDMetrics()
    {
        // A registry of our own rather than prometheus-net's default one: the default also starts event-counter
        // and Meter listeners, whose per-request cost the hot path would pay; here only the process collector is added.
        Registry = Prometheus.Metrics.NewCustomRegistry();
        DotNetStats.Register(Registry);
        Factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        // No exemplars: by default every observation would look up the current trace context (Activity.Current)
        // and attach it, which the hot path would pay for on every call and nobody here reads.
        Factory.ExemplarBehavior = new ExemplarBehavior { DefaultExemplarProvider = static (_, _) => Exemplar.None };

        s_wake = Factory.CreateHistogram(
            "faasd_function_wake_seconds",
            "Time from a request finding a function frozen to the function serving again (thaw).",
            new HistogramConfiguration { LabelNames = ["function_name"], Buckets = s_startBuckets });
        s_coldStart = Factory.CreateHistogram(
            "faasd_function_cold_start_seconds",
            "Time from a request finding a function without a task to the function accepting connections.",
            new HistogramConfiguration { LabelNames = ["function_name"], Buckets = s_startBuckets });
        s_asyncQueueDepth = Factory.CreateGauge("faasd_async_queue_depth", "Asynchronous invocations waiting to be run.");
        s_asyncRetries = Factory.CreateCounter(
            "faasd_async_retries_total", "Asynchronous invocations retried after a failed attempt.", ["function_name"]);
        s_asyncCallbacks = Factory.CreateCounter(
            "faasd_async_callbacks_total", "Callbacks (X-Callback-Url) delivered or given up, by outcome.", ["function_name", "outcome"]);
        s_cronRuns = Factory.CreateCounter(
            "faasd_cron_runs_total", "Scheduled (cron) invocations, by HTTP status of the function's answer.", ["function_name", "code"]);
        s_imagePulls = Factory.CreateCounter(
            "faasd_image_pulls_total", "Image pulls, by outcome (pulled, cached, failed).", ["outcome"]);
        s_imagePullSeconds = Factory.CreateHistogram(
            "faasd_image_pull_seconds",
            "Duration of image pulls that fetched content.",
            new HistogramConfiguration { Buckets = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] });
    }

    /// <summary>The registry every FaasD series lives in (gateway, platform and process metrics).</summary>
    public static CollectorRegistry Registry { get; }

    /// <summary>Creates metrics in <see cref="Registry"/>.</summary>
    public static IMetricFactory Factory { get; }

    /// <summary>OpenFaaS's <c>function_name</c> label: <c>name.namespace</c>.</summary>
    public static string FunctionName(string @namespace, string name) => name + "." + @namespace;

    /// <summary>A frozen function served again after <paramref name="duration"/>.</summary>
    public static void RecordWake(string @namespace, string name, TimeSpan duration) =>
        s_wake.WithLabels(FunctionName(@namespace, name)).Observe(duration.TotalSeconds);

    /// <summary>A function without a task was started and answered its port after <paramref name="duration"/>.</summary>
    public static void RecordColdStart(string @namespace, string name, TimeSpan duration) =>
        s_coldStart.WithLabels(FunctionName(@namespace, name)).Observe(duration.TotalSeconds);

    /// <summary>Current number of queued asynchronous invocations (the queue reports it whenever it changes).</summary>
    public static void SetAsyncQueueDepth(long depth) => s_asyncQueueDepth.Set(depth);

    public static void RecordAsyncRetry(string @namespace, string name) =>
        s_asyncRetries.WithLabels(FunctionName(@namespace, name)).Inc();

    /// <param name="outcome">A small closed set, e.g. <c>delivered</c>, <c>failed</c>.</param>
    public static void RecordAsyncCallback(string @namespace, string name, string outcome) =>
        s_asyncCallbacks.WithLabels(FunctionName(@namespace, name), outcome).Inc();

    public static void RecordCronRun(string @namespace, string name, int statusCode) =>
        s_cronRuns.WithLabels(FunctionName(@namespace, name), StatusCodeLabels.Text(statusCode)).Inc();

    /// <param name="outcome"><c>pulled</c>, <c>cached</c> (already present) or <c>failed</c>.</param>
    public static void RecordImagePull(string outcome, TimeSpan duration)
    {
        s_imagePulls.WithLabels(outcome).Inc();
        if (outcome == "pulled")
        {
            s_imagePullSeconds.Observe(duration.TotalSeconds);
        }
    }

    /// <summary>Drops every FaasD series of a removed function, so a new one with the same name starts from zero.</summary>
    public static void ForgetFunction(string @namespace, string name)
    {
        var label = FunctionName(@namespace, name);
        s_wake.RemoveLabelled(label);
        s_coldStart.RemoveLabelled(label);
        s_asyncRetries.RemoveLabelled(label);
        RemoveWhere(s_asyncCallbacks, label);
        RemoveWhere(s_cronRuns, label);
    }

    private static void RemoveWhere(Counter counter, string functionName)
    {
        foreach (var labels in counter.GetAllLabelValues().Where(values => values[0] == functionName).ToList())
        {
            counter.RemoveLabelled(labels);
        }
    }
}
