using Prometheus;

namespace FaasD.Gateway.Metrics;

/// <summary>
/// Series read from the platform rather than counted on the hot path, refreshed when Prometheus scrapes
/// (upstream refreshes every 5 s; on demand costs nothing between scrapes): replicas and readiness
/// (<c>gateway_service_*</c>), the scaling labels, each function's state (<c>faasd_function_state</c>) and its
/// cgroup usage (<c>pod_cpu_usage_seconds_total</c>, <c>pod_memory_working_set_bytes</c>). Functions that disappeared
/// since the previous scrape lose their series.
/// </summary>
internal sealed partial class PlatformGauges(IFunctionPlatform platform, INamespaceStore namespaces, FunctionUsageSource usage, ILogger<PlatformGauges> logger)
{
    /// <summary>OpenFaaS's defaults for the scaling labels when a function does not set them.</summary>
    private const double DefaultMin = 1;
    private const double DefaultTarget = 50;
    private static readonly string[] s_states = ["running", "frozen", "stopped"];

    private static readonly Gauge s_serviceCount = FaasDMetrics.Factory.CreateGauge(
        "gateway_service_count", "Current desired replicas of the function.", ["function_name"]);

    private static readonly Gauge s_readyCount = FaasDMetrics.Factory.CreateGauge(
        "gateway_service_ready_count", "Replicas of the function that can serve now.", ["function_name"]);

    private static readonly Gauge s_target = FaasDMetrics.Factory.CreateGauge(
        "gateway_service_target", "Target load per replica (label com.openfaas.scale.target, default 50).", ["function_name"]);

    private static readonly Gauge s_min = FaasDMetrics.Factory.CreateGauge(
        "gateway_service_min", "Minimum replicas (label com.openfaas.scale.min, default 1).", ["function_name"]);

    private static readonly Gauge s_state = FaasDMetrics.Factory.CreateGauge(
        "faasd_function_state", "1 for the state the function is in (running, frozen or stopped), 0 for the others.", ["function_name", "state"]);

    private static readonly Counter s_cpu = FaasDMetrics.Factory.CreateCounter(
        "pod_cpu_usage_seconds_total", "CPU time used by the function's task, from its cgroup.", ["function_name", "namespace"]);

    private static readonly Gauge s_memory = FaasDMetrics.Factory.CreateGauge(
        "pod_memory_working_set_bytes", "Memory working set of the function's task, from its cgroup.", ["function_name", "namespace"]);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private Dictionary<string, string> _known = new(StringComparer.Ordinal);

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var seen = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var ns in await namespaces.ListAsync(cancellationToken))
            {
                IReadOnlyList<FunctionInfo> functions;
                try
                {
                    functions = await platform.ListAsync(ns, cancellationToken);
                }
                catch (FunctionPlatformException ex)
                {
                    // The namespace went away between the two calls: its functions are gone too.
                    LogNamespaceSkipped(logger, ns, ex.Message);
                    continue;
                }

                foreach (var function in functions)
                {
                    var label = FaasDMetrics.FunctionName(ns, function.Spec.Name);
                    seen[label] = ns;
                    await UpdateAsync(label, ns, function, cancellationToken);
                }
            }

            foreach (var (label, ns) in _known)
            {
                if (!seen.ContainsKey(label))
                {
                    Forget(label, ns);
                }
            }

            _known = seen;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>running, frozen or stopped: what an operator needs from the lifecycle's finer states.</summary>
    internal static string StateName(FunctionState state) => state switch
    {
        FunctionState.Paused or FunctionState.Pausing => "frozen",
        FunctionState.Stopped or FunctionState.Removing or FunctionState.Unknown => "stopped",
        _ => "running",
    };

    private async Task UpdateAsync(string label, string ns, FunctionInfo function, CancellationToken cancellationToken)
    {
        s_serviceCount.WithLabels(label).Set(function.Replicas);
        s_readyCount.WithLabels(label).Set(function.AvailableReplicas);
        s_target.WithLabels(label).Set(LabelNumber(function.Spec.Labels, "com.openfaas.scale.target", DefaultTarget));
        s_min.WithLabels(label).Set(LabelNumber(function.Spec.Labels, "com.openfaas.scale.min", DefaultMin));
        var state = StateName(function.State);
        foreach (var name in s_states)
        {
            s_state.WithLabels(label, name).Set(name == state ? 1 : 0);
        }

        if (await usage.GetAsync(ns, function.Spec.Name, cancellationToken) is { } used)
        {
            var cpu = s_cpu.WithLabels(label, ns);
            if (used.CpuSeconds < cpu.Value)
            {
                // A new task started from zero: report a counter reset rather than a frozen value.
                s_cpu.RemoveLabelled(label, ns);
                cpu = s_cpu.WithLabels(label, ns);
            }

            cpu.IncTo(used.CpuSeconds);
            s_memory.WithLabels(label, ns).Set(used.TotalMemoryBytes);
        }
        else
        {
            s_memory.RemoveLabelled(label, ns);
        }
    }

    private static void Forget(string label, string ns)
    {
        s_serviceCount.RemoveLabelled(label);
        s_readyCount.RemoveLabelled(label);
        s_target.RemoveLabelled(label);
        s_min.RemoveLabelled(label);
        foreach (var name in s_states)
        {
            s_state.RemoveLabelled(label, name);
        }

        s_cpu.RemoveLabelled(label, ns);
        s_memory.RemoveLabelled(label, ns);
    }

    [LoggerMessage(EventId = LogEvents.MetricsNamespaceSkipped, Level = LogLevel.Debug, Message = "Metrics refresh skipped namespace {Namespace}: {Reason}")] private static partial void LogNamespaceSkipped(ILogger logger, string @namespace, string reason);

    private static double LabelNumber(IReadOnlyDictionary<string, string> labels, string key, double fallback) =>
        labels.TryGetValue(key, out var text)
        && double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : fallback;
}
