using System.Threading.Channels;

namespace FaasD.Functions.Replicas;

/// <summary>
/// Replaces replicas taken out of rotation (task exited, connection refused, liveness failed, left out by a wake):
/// each failure is logged and the replica's task restarted after its <see cref="RestartBackoff"/> delay; a failed
/// restart is retried with a longer one. Restarts of different replicas run concurrently.
/// </summary>
internal sealed partial class ReplicaSupervisor : BackgroundService
{
    private readonly Channel<Failure> _failures = Channel.CreateUnbounded<Failure>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, RestartBackoff> _backoff = new();
    private readonly ConcurrentDictionary<string, byte> _pending = new();
    private readonly FunctionRegistry _registry;
    private readonly FunctionPlatform _platform;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>
    /// A failed replica restarts at once the first time, then after 1 s, 2 s, 4 s … up to 30 s; one that served 30 s
    /// before failing starts over at zero.
    /// </summary>
    internal static RestartBackoff NewBackoff() =>
        new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), resetAfter: TimeSpan.FromSeconds(30), firstAtOnce: true);

    public ReplicaSupervisor(FunctionRegistry registry, FunctionPlatform platform, TimeProvider time, ILogger<ReplicaSupervisor> logger)
    {
        _registry = registry;
        _platform = platform;
        _time = time;
        _logger = logger;
        registry.ReplicaFailed += OnReplicaFailed;
    }

    public override void Dispose()
    {
        _registry.ReplicaFailed -= OnReplicaFailed;
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var failure in _failures.Reader.ReadAllAsync(stoppingToken))
            {
                // One restart loop per replica; further reports while it runs are the same failure.
                if (_pending.TryAdd(failure.ContainerId, 0))
                {
                    _ = RestartUntilServingAsync(failure, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private void OnReplicaFailed(FunctionHandle handle, Replica replica, string reason)
    {
        var servedFor = _time.GetElapsedTime(replica.StartedTimestamp);
        Log.ReplicaFailed(_logger, handle.Key, replica.ContainerId, reason, servedFor.TotalSeconds);
        _failures.Writer.TryWrite(new Failure(handle.Key, replica.ContainerId, servedFor));
    }

    private async Task RestartUntilServingAsync(Failure failure, CancellationToken cancellationToken)
    {
        try
        {
            var backoff = _backoff.GetOrAdd(failure.ContainerId, _ => NewBackoff());
            var servedFor = failure.ServedFor;
            while (!cancellationToken.IsCancellationRequested)
            {
                var delay = backoff.Next(servedFor);
                servedFor = TimeSpan.Zero;
                if (delay > TimeSpan.Zero)
                {
                    Log.RestartDelayed(_logger, failure.Function, failure.ContainerId, delay.TotalSeconds);
                    await Task.Delay(delay, _time, cancellationToken);
                }

                if (await _platform.RestartReplicaAsync(failure.Function, failure.ContainerId, cancellationToken))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A fire-and-forget loop must not throw; the failure is logged and the next report starts it again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.SupervisionFailed(_logger, failure.Function, failure.ContainerId, ex);
        }
        finally
        {
            _pending.TryRemove(failure.ContainerId, out _);
        }
    }

    private readonly record struct Failure(FunctionKey Function, string ContainerId, TimeSpan ServedFor);

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.ReplicaOutOfRotation, Level = LogLevel.Warning, Message = "{Function}: replica {Container} out of rotation ({Reason}) after serving {ServedSeconds:0.#} s; replacing it")] public static partial void ReplicaFailed(ILogger logger, FunctionKey function, string container, string reason, double servedSeconds);

        [LoggerMessage(EventId = LogEvents.ReplicaRestartScheduled, Level = LogLevel.Information, Message = "{Function}: restarting replica {Container} in {DelaySeconds:0.#} s (backoff)")] public static partial void RestartDelayed(ILogger logger, FunctionKey function, string container, double delaySeconds);

        [LoggerMessage(EventId = LogEvents.ReplicaSupervisionFailed, Level = LogLevel.Error, Message = "{Function}: supervising replica {Container} failed")] public static partial void SupervisionFailed(ILogger logger, FunctionKey function, string container, Exception exception);
    }
}
