using FaasD.Functions.Health;

namespace FaasD.Functions.Waking;

/// <summary>
/// The step deploy, recovery and a cold wake share: start the container's task (network attached first),
/// follow its output, and wait until the function is ready (its port accepts and its readiness path answers).
/// Its own class so the platform and the
/// lifecycle the registry drives both use it without needing each other.
/// </summary>
internal sealed partial class TaskStarter(
    IContainerRuntime runtime, ILogCapture logs, FunctionCatalog catalog, FunctionPlatformOptions options, TimeProvider time, ILogger<TaskStarter> logger)
{
    /// <summary>
    /// Task create + network + start, then waits for readiness: the port accepts and the readiness path (annotation
    /// <c>com.openfaas.ready.http.path</c>, else <c>/_/health</c>) answers 2xx where the function serves it.
    /// <paramref name="deployment"/> (else the catalog's current one) names the path. Returns the destination prefix.
    /// </summary>
    public async Task<string> StartAsync(
        string @namespace, string function, string containerId, CancellationToken cancellationToken, StoredDeployment? deployment = null)
    {
        var requested = time.GetTimestamp();
        var task = await runtime.StartTaskAsync(@namespace, containerId, cancellationToken);
        var address = task.Address ?? throw new RuntimeException(RuntimeErrorKind.Internal, $"task of {containerId} has no IP address");
        Follow(@namespace, function, containerId);
        var began = time.GetTimestamp();
        await PortProbe.WaitUntilAcceptsAsync(address, options.FunctionPort, options.ReadinessTimeout, time, cancellationToken);
        var accepting = time.GetTimestamp();
        var destination = DestinationFor(address);
        deployment ??= catalog.TryGet(new FunctionKey(@namespace, function), out var current) ? current.Deployment : null;
        var remaining = options.ReadinessTimeout - time.GetElapsedTime(began);
        await ReadinessProbe.WaitUntilReadyAsync(destination, HealthAnnotations.ReadyPathOf(deployment?.Annotations),
            remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1), time, cancellationToken);

        // Where a cold start's time goes, for operators and the benchmark: containerd (task create + start, with the
        // network joined), the function's own start until its port accepts, and its readiness answer.
        Log.Ready(logger, function, @namespace, containerId, Ms(requested, began), Ms(began, accepting), Ms(accepting, time.GetTimestamp()));
        return destination;
    }

    private double Ms(long from, long to) => time.GetElapsedTime(from, to).TotalMilliseconds;

    /// <summary>A task found running (or frozen) at start-up: follow its output again and say where it answers.</summary>
    public string Adopt(string @namespace, string function, string containerId, IPAddress address)
    {
        Follow(@namespace, function, containerId);
        return DestinationFor(address);
    }

    private void Follow(string @namespace, string function, string containerId) => logs.Follow(@namespace, function, containerId);

    private string DestinationFor(IPAddress address) =>
        $"http://{address}:{options.FunctionPort.ToString(CultureInfo.InvariantCulture)}";

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.TaskReady, Level = LogLevel.Information, Message = "{Function}.{Namespace}: {Container} ready: task running in {TaskMs:0.0} ms, port open {PortMs:0.0} ms later, readiness {ReadyMs:0.0} ms later")] public static partial void Ready(ILogger logger, string function, string @namespace, string container, double taskMs, double portMs, double readyMs);
    }
}
