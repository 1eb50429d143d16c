namespace FaasD.Functions.Autoscaling;

/// <summary>
/// Scales functions that ask for it (labels <c>com.openfaas.scale.type|target|max</c>, max above min) by the load
/// the platform already sees. Every interval: measure, recommend (<see cref="ScaleRecommender"/>), scale up at once,
/// scale down only after the stabilisation window. A sleeping function is left alone: scale to zero composes, the
/// first request wakes one replica (the others stay frozen) and the load then brings more: the count this compares is
/// the awake replicas, and scaling to more thaws frozen ones before creating new ones.
/// </summary>
internal sealed partial class Autoscaler(
    FunctionRegistry registry,
    FunctionPlatform platform,
    AutoscalerOptions options,
    TimeProvider time,
    ILogger<Autoscaler> logger) : BackgroundService
{
    private readonly Dictionary<FunctionKey, LoadMeter> _meters = [];
    private readonly ConcurrentDictionary<FunctionKey, byte> _scaling = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled)
        {
            return;
        }

        registry.Autoscaler.TurnOn();

        using var timer = new PeriodicTimer(options.Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Tick(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>One round of decisions; scaling runs in the background, at most one operation per function at a time.</summary>
    public void Tick(CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        var seen = new HashSet<FunctionKey>();
        foreach (var handle in registry.Handles)
        {
            var scaling = handle.Scaling;
            if (!scaling.Autoscaled)
            {
                continue;
            }

            seen.Add(handle.Key);
            if (!_meters.TryGetValue(handle.Key, out var meter))
            {
                _meters[handle.Key] = meter = new LoadMeter();
            }

            var load = meter.Measure(handle, scaling.Type, time);
            if (handle.State != LifecycleState.Running || load is not { } measured)
            {
                meter.Window.Clear();
                continue;
            }

            var recommended = ScaleRecommender.Recommend(measured, scaling);
            var window = scaling.DownWindow ?? options.DownWindow;
            meter.Window.Enqueue((now, recommended));
            while (meter.Window.Count > 0 && time.GetElapsedTime(meter.Window.Peek().Timestamp, now) > window)
            {
                meter.Window.Dequeue();
            }

            // Awake replicas: those a wake left frozen count only once load has them thawed (scaling to them thaws them).
            var current = handle.Replicas.Count(r => r.State is not (ReplicaState.Draining or ReplicaState.Frozen));
            var next = ScaleRecommender.Next(current, recommended, meter.Window.Select(w => w.Replicas));
            if (next < current && handle.ScaledByHandWithin(window))
            {
                // A count set through the API or an alert holds for one down window; load can still raise it.
                continue;
            }

            // One scaling operation per function at a time; the slot is taken before the operation starts.
            if (next != current && _scaling.TryAdd(handle.Key, 0))
            {
                Log.Decided(logger, handle.Key, current, next, measured, scaling.Type, scaling.Target, handle.ReadyReplicas);
                _ = ScaleAsync(handle.Key, next, cancellationToken);
            }
        }

        foreach (var gone in _meters.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            _meters.Remove(gone);
        }
    }

    private async Task ScaleAsync(FunctionKey key, int replicas, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            await platform.AutoscaleAsync(key, replicas, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A background decision must not end the loop; the next tick decides again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.Failed(logger, key, replicas, ex);
        }
        finally
        {
            _scaling.TryRemove(key, out _);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Autoscaling, Level = LogLevel.Information, Message = "Autoscaling {Function} from {From} to {To} replicas (load {Load:0.##} {Type}, target {Target} per replica, {Ready} ready)")] public static partial void Decided(ILogger logger, FunctionKey function, int from, int to, double load, ScaleType type, double target, int ready);

        [LoggerMessage(EventId = LogEvents.AutoscalingFailed, Level = LogLevel.Warning, Message = "Autoscaling {Function} to {Replicas} replicas failed")] public static partial void Failed(ILogger logger, FunctionKey function, int replicas, Exception exception);
    }
}
