using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace FaasD.Gateway.Metrics;

/// <summary>
/// Per-function invocation counters for <c>/function/*</c>: calls started and calls completed per status code.
/// Lock-free: one dictionary lookup per request (no allocation once the function is known) and Interlocked increments.
/// </summary>
internal sealed class InvocationMetrics
{
    private readonly ConcurrentDictionary<FunctionKey, FunctionCounters> _functions = new();

    public FunctionCounters For(string @namespace, string name) =>
        _functions.GetOrAdd(new FunctionKey(@namespace, name), static _ => new FunctionCounters());

    /// <summary>Completed calls of one function (all status codes), the list's <c>invocationCount</c>.</summary>
    public long InvocationCount(string @namespace, string name) =>
        _functions.TryGetValue(new FunctionKey(@namespace, name), out var counters) ? counters.Completed : 0;

    /// <summary>Forgets a removed function so a new one with the same name starts from zero.</summary>
    public void Remove(string @namespace, string name) => _functions.TryRemove(new FunctionKey(@namespace, name), out _);

    /// <summary>Prometheus text exposition with the gateway's metric names (function_name is <c>name.namespace</c>).</summary>
    public void WritePrometheus(StringBuilder output)
    {
        output.Append("# HELP gateway_function_invocation_total Function metrics\n");
        output.Append("# TYPE gateway_function_invocation_total counter\n");
        foreach (var (key, counters) in _functions)
        {
            counters.AppendCompleted(output, key);
        }

        output.Append("# HELP gateway_function_invocation_started The total number of function HTTP requests started.\n");
        output.Append("# TYPE gateway_function_invocation_started counter\n");
        foreach (var (key, counters) in _functions)
        {
            output.Append(CultureInfo.InvariantCulture, $"gateway_function_invocation_started{{function_name=\"{key.Name}.{key.Namespace}\"}} {counters.Started}\n");
        }
    }

    internal readonly record struct FunctionKey(string Namespace, string Name);

    internal sealed class FunctionCounters
    {
        private const int MinStatus = 100;
        private const int MaxStatus = 599;

        private readonly long[] _byStatus = new long[MaxStatus - MinStatus + 2];
        private long _started;
        private long _completed;

        public long Started => Volatile.Read(ref _started);

        public long Completed => Volatile.Read(ref _completed);

        public void OnStarted() => Interlocked.Increment(ref _started);

        public void OnCompleted(int statusCode)
        {
            var index = statusCode is >= MinStatus and <= MaxStatus ? statusCode - MinStatus + 1 : 0;
            Interlocked.Increment(ref _byStatus[index]);
            Interlocked.Increment(ref _completed);
        }

        public long CountFor(int statusCode) =>
            statusCode is >= MinStatus and <= MaxStatus ? Volatile.Read(ref _byStatus[statusCode - MinStatus + 1]) : 0;

        internal void AppendCompleted(StringBuilder output, FunctionKey key)
        {
            for (var i = 1; i < _byStatus.Length; i++)
            {
                var count = Volatile.Read(ref _byStatus[i]);
                if (count != 0)
                {
                    output.Append(CultureInfo.InvariantCulture, $"gateway_function_invocation_total{{code=\"{i + MinStatus - 1}\",function_name=\"{key.Name}.{key.Namespace}\"}} {count}\n");
                }
            }
        }
    }
}
