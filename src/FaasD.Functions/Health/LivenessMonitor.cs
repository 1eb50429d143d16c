namespace FaasD.Functions.Health;

/// <summary>
/// Liveness for functions with the annotation <c>com.openfaas.health.http.path</c>: every interval each Ready replica
/// older than the initial delay gets <c>GET path</c>; one that fails (not 2xx, or no answer) the threshold number of
/// times in a row is taken out of rotation and replaced by the <see cref="ReplicaSupervisor"/>. Frozen functions are
/// not probed (a frozen process cannot answer and is not ill).
/// </summary>
internal sealed partial class LivenessMonitor(
    FunctionRegistry registry,
    FunctionCatalog catalog,
    LivenessOptions options,
    TimeProvider time,
    ILogger<LivenessMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await ProbeAllAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>One round of probes over every function that asks for them; completes when all have answered.</summary>
    public Task ProbeAllAsync(CancellationToken cancellationToken)
    {
        var probes = new List<Task>();
        foreach (var handle in registry.Handles)
        {
            if (handle.State != LifecycleState.Running || !catalog.TryGet(handle.Key, out var function))
            {
                continue;
            }

            var annotations = function.Deployment.Annotations;
            if (HealthAnnotations.LivenessPathOf(annotations) is not { } path)
            {
                continue;
            }

            var delay = annotations!.TryGetValue(HealthAnnotations.LivenessInitialDelay, out var text) && GoDuration.TryParse(text, out var parsed)
                ? parsed
                : options.DefaultInitialDelay;
            foreach (var replica in handle.Replicas)
            {
                if (replica.State == ReplicaState.Ready && replica.Destination is { } destination
                    && time.GetElapsedTime(replica.StartedTimestamp) >= delay)
                {
                    probes.Add(ProbeAsync(handle, replica, destination, path, cancellationToken));
                }
            }
        }

        return Task.WhenAll(probes);
    }

    private async Task ProbeAsync(FunctionHandle handle, Replica replica, string destination, string path, CancellationToken cancellationToken)
    {
        var incarnation = replica.Incarnation;
        var status = await ProbeClient.GetStatusAsync(destination, path, options.Timeout, cancellationToken);
        if (status is { } code && ReadinessProbe.IsSuccess(code))
        {
            replica.FailedProbes = 0;
            return;
        }

        var failures = ++replica.FailedProbes;
        var answer = status is { } s ? ((int)s).ToString(System.Globalization.CultureInfo.InvariantCulture) : "no answer";
        Log.ProbeFailed(logger, handle.Key, replica.ContainerId, path, answer, failures, options.FailureThreshold);
        if (failures >= options.FailureThreshold)
        {
            handle.ReportReplicaFailed(replica, $"liveness probe {path} failed {failures} times, last: {answer}", incarnation: incarnation);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.LivenessProbeFailed, Level = LogLevel.Warning, Message = "{Function}: liveness probe {Path} of {Container} failed ({Answer}), {Failures} of {Threshold}")] public static partial void ProbeFailed(ILogger logger, FunctionKey function, string container, string path, string answer, int failures, int threshold);
    }
}
