using System.Collections.Concurrent;
using Prometheus;

namespace FaasD.Gateway.Metrics;

/// <summary>
/// The one counting point for function calls, whether they come from <c>/function/*</c> or from the in-process
/// invoker (async queue, triggers): the OpenFaaS gateway series <c>gateway_function_invocation_started</c>,
/// <c>gateway_function_invocation_total</c>, <c>gateway_functions_seconds</c> and
/// <c>gateway_function_invocation_inflight</c>, plus the daemon's own invocation count and recent activity
/// (the function list's <c>invocationCount</c> and the portal's charts need no Prometheus). Lock-free: one
/// dictionary lookup per call, label children cached per function and status code.
/// </summary>
internal sealed class InvocationMetrics
{
    private static readonly Counter s_started = FaasDMetrics.Factory.CreateCounter(
        "gateway_function_invocation_started", "The total number of function HTTP requests started.", ["function_name"]);

    private static readonly Counter s_completed = FaasDMetrics.Factory.CreateCounter(
        "gateway_function_invocation_total", "Function metrics", ["function_name", "code"]);

    // prometheus-net's default buckets are the Go client's (.005 … 10), as upstream uses.
    private static readonly Histogram s_seconds = FaasDMetrics.Factory.CreateHistogram(
        "gateway_functions_seconds", "Function time taken", new HistogramConfiguration { LabelNames = ["function_name", "code"] });

    private static readonly Gauge s_inflight = FaasDMetrics.Factory.CreateGauge(
        "gateway_function_invocation_inflight", "Function requests in flight.", ["function_name"]);

    private readonly ConcurrentDictionary<FunctionKey, FunctionCounters> _functions = new();
    private readonly TimeProvider _time;

    public InvocationMetrics(TimeProvider time) => _time = time;

    public FunctionCounters For(string @namespace, string name) =>
        _functions.GetOrAdd(new FunctionKey(@namespace, name), static (key, time) => new FunctionCounters(key, time), _time);

    /// <summary>Counters of a function already called, or null (no allocation for functions never called).</summary>
    public FunctionCounters? Find(string @namespace, string name) =>
        _functions.TryGetValue(new FunctionKey(@namespace, name), out var counters) ? counters : null;

    /// <summary>Completed calls of one function (all status codes), the list's <c>invocationCount</c>.</summary>
    public long InvocationCount(string @namespace, string name) => Find(@namespace, name)?.Completed ?? 0;

    /// <summary>Forgets a removed function so a new one with the same name starts from zero.</summary>
    public void Remove(string @namespace, string name)
    {
        if (_functions.TryRemove(new FunctionKey(@namespace, name), out var counters))
        {
            counters.RemoveSeries();
        }

        FaasDMetrics.ForgetFunction(@namespace, name);
    }

    internal readonly record struct FunctionKey(string Namespace, string Name);

    /// <summary>One function's counters. <see cref="OnStarted"/> returns the timestamp to pass to <see cref="OnCompleted"/>.</summary>
    internal sealed class FunctionCounters
    {
        private const int MinStatus = 100;
        private const int MaxStatus = 599;

        private readonly string _label;
        private readonly TimeProvider _time;
        private readonly Counter.Child _started;
        private readonly Gauge.Child _inflight;

        // Per status code: the two label children, created on first use. Index 0 holds codes outside 100..599.
        private readonly StatusSeries?[] _byStatus = new StatusSeries?[MaxStatus - MinStatus + 2];
        private long _completed;

        internal FunctionCounters(FunctionKey key, TimeProvider time)
        {
            _label = FaasDMetrics.FunctionName(key.Namespace, key.Name);
            _time = time;
            _started = s_started.WithLabels(_label);
            _inflight = s_inflight.WithLabels(_label);
            Recent = new RecentInvocations(time);
        }

        public long Started => (long)_started.Value;

        public long Completed => Volatile.Read(ref _completed);

        public long InFlight => (long)_inflight.Value;

        /// <summary>Per-interval counts and a latency sample for the portal's charts and p50.</summary>
        public RecentInvocations Recent { get; }

        public long OnStarted()
        {
            _started.Inc();
            _inflight.Inc();
            return _time.GetTimestamp();
        }

        public void OnCompleted(int statusCode, long startedTimestamp)
        {
            var seconds = _time.GetElapsedTime(startedTimestamp).TotalSeconds;
            var series = SeriesFor(statusCode);
            series.Total.Inc();
            series.Seconds.Observe(seconds);
            _inflight.Dec();
            Interlocked.Increment(ref _completed);
            Recent.Record(seconds, isError: statusCode >= 500);
        }

        /// <summary>Completed calls with one status code, as exported in <c>gateway_function_invocation_total</c>.</summary>
        public long CountFor(int statusCode) => (long)(Volatile.Read(ref _byStatus[IndexOf(statusCode)])?.Total.Value ?? 0);

        internal void RemoveSeries()
        {
            s_started.RemoveLabelled(_label);
            s_inflight.RemoveLabelled(_label);
            foreach (var series in _byStatus)
            {
                if (series is not null)
                {
                    s_completed.RemoveLabelled(_label, series.Code);
                    s_seconds.RemoveLabelled(_label, series.Code);
                }
            }
        }

        private static int IndexOf(int statusCode) => statusCode is >= MinStatus and <= MaxStatus ? statusCode - MinStatus + 1 : 0;

        private StatusSeries SeriesFor(int statusCode)
        {
            var index = IndexOf(statusCode);
            var series = Volatile.Read(ref _byStatus[index]);
            if (series is not null)
            {
                return series;
            }

            var code = StatusCodeLabels.Text(index == 0 ? 0 : statusCode);
            var created = new StatusSeries(code, s_completed.WithLabels(_label, code), s_seconds.WithLabels(_label, code));
            // Two first calls may race; both children are the same registry entries, so either object is fine.
            return Interlocked.CompareExchange(ref _byStatus[index], created, null) ?? created;
        }

        private sealed record StatusSeries(string Code, Counter.Child Total, Histogram.Child Seconds);
    }
}
