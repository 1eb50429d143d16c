using System.Collections.Concurrent;

namespace FaasD.Compose.Restart;

/// <summary>
/// Watches task exits and applies each service's restart policy with capped exponential backoff. Exits are
/// logged with their code whatever the policy. Time comes from <see cref="TimeProvider"/>, so the backoff is
/// tested without sleeping.
/// </summary>
internal sealed partial class ServiceSupervisor(
    IContainerRuntime runtime,
    ServiceRunner runner,
    ServiceAddressBook addresses,
    ComposeOptions options,
    TimeProvider time,
    ILogger<ServiceSupervisor> logger)
{
    private readonly ConcurrentDictionary<string, SupervisedService> _services = new(StringComparer.Ordinal);

    /// <summary>
    /// The services to look after, just started (now is when their current run began). Services that could not be
    /// created are left out: restarting a task cannot fix a missing image; the next daemon start tries them again.
    /// </summary>
    public void Track(IEnumerable<ServiceDefinition> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        foreach (var service in services)
        {
            _services[service.Name] = new SupervisedService(
                service,
                new RestartBackoff(options.RestartInitialDelay, options.RestartMaxDelay, options.RestartResetAfter),
                time.GetUtcNow());
        }
    }

    /// <summary>The delay a service is currently waiting out before its restart, if any.</summary>
    public TimeSpan? PendingRestart(string service) => _services.TryGetValue(service, out var s) ? s.PendingDelay : null;

    public int RestartCount(string service) => _services.TryGetValue(service, out var s) ? s.Restarts : 0;

    /// <summary>Follows exit events until cancelled, re-subscribing (and checking for missed exits) if the stream breaks.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var retry = new RestartBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.MaxValue);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var exits = runtime.WatchExitsAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
                await using (exits)
                {
                    // The first MoveNext subscribes; exits from before that are found by asking for each task.
                    var next = exits.MoveNextAsync();
                    await SweepAsync(cancellationToken);
                    while (await next)
                    {
                        retry.Reset();
                        OnExit(exits.Current, cancellationToken);
                        next = exits.MoveNextAsync();
                    }
                }
            }
            catch (Exception exception) when (cancellationToken.IsCancellationRequested && exception is OperationCanceledException or RuntimeException)
            {
                return; // shutting down (the runtime reports a call cut short by cancellation as its own error)
            }
            catch (RuntimeException exception)
            {
                Log.WatchFailed(logger, exception.Message, exception);
            }

            await Task.Delay(retry.Next(TimeSpan.Zero), time, cancellationToken);
        }
    }

    private void OnExit(TaskExit exit, CancellationToken cancellationToken)
    {
        if (exit.Namespace != options.Namespace || !_services.TryGetValue(exit.Id, out var service))
        {
            return;
        }

        var exitedAt = exit.ExitedAt > DateTimeOffset.UnixEpoch ? exit.ExitedAt : time.GetUtcNow();
        service.StartRecovery(() => RecoverAsync(service, exit.ExitStatus, exitedAt, cancellationToken));
    }

    /// <summary>Exits that happened while nobody was listening (daemon down, stream re-connecting).</summary>
    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        foreach (var service in _services.Values)
        {
            TaskInfo task;
            try
            {
                task = await runtime.GetTaskAsync(options.Namespace, service.Definition.Name, cancellationToken);
            }
            catch (RuntimeException exception)
            {
                // Never let the sweep end the watch: the event stream is the main source, this is a safety net.
                Log.SweepFailed(logger, service.Definition.Name, exception.Message);
                continue;
            }

            if (task.State is TaskState.Stopped or TaskState.None)
            {
                // The exit code is lost with the event; count it as a failure so on-failure applies too.
                service.StartRecovery(() => RecoverAsync(service, exitCode: 255, time.GetUtcNow(), cancellationToken));
            }
        }
    }

    private async Task RecoverAsync(SupervisedService service, uint exitCode, DateTimeOffset exitedAt, CancellationToken cancellationToken)
    {
        try
        {
            await RecoverOrLeaveDownAsync(service, exitCode, exitedAt, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Log.RestartFailed(logger, service.Definition.Name, exception.Message, exception);
        }
    }

    private async Task RecoverOrLeaveDownAsync(SupervisedService service, uint exitCode, DateTimeOffset exitedAt, CancellationToken cancellationToken)
    {
        var name = service.Definition.Name;
        var policy = service.Definition.Restart;
        if (await IsRunningAsync(name, cancellationToken))
        {
            return; // a late or duplicate report of an exit the last recovery already dealt with
        }

        Log.Exited(logger, name, exitCode, policy.ToString());
        var lastRun = exitedAt - service.StartedAt;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (!RestartDecision.ShouldRestart(policy, exitCode, service.Restarts))
            {
                Log.LeftDown(logger, name, exitCode, policy.ToString());
                await addresses.RemoveAsync(name, cancellationToken);
                return;
            }

            var delay = service.Backoff.Next(lastRun);
            // Create the timer before publishing the wait, so whoever sees PendingDelay can move the clock past it.
            var wait = Task.Delay(delay, time, cancellationToken);
            service.PendingDelay = delay;
            Log.RestartScheduled(logger, name, exitCode, delay.TotalSeconds, service.Restarts + 1);
            await wait;
            service.PendingDelay = null;
            service.Restarts++;
            try
            {
                await runner.RestartTaskAsync(name, cancellationToken);
                service.StartedAt = time.GetUtcNow();
                Log.Restarted(logger, name, service.Restarts);
                return;
            }
            catch (RuntimeException exception)
            {
                // A failed start is one more failed run: back off further and try again.
                Log.RestartFailed(logger, name, exception.Message, exception);
                lastRun = TimeSpan.Zero;
            }
        }
    }

    private async Task<bool> IsRunningAsync(string service, CancellationToken cancellationToken)
    {
        try
        {
            return (await runtime.GetTaskAsync(options.Namespace, service, cancellationToken)).State == TaskState.Running;
        }
        catch (RuntimeException)
        {
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Exited, Level = LogLevel.Warning, Message = "Service {Service} exited with code {ExitCode} (restart: {Policy})")] public static partial void Exited(ILogger logger, string service, uint exitCode, string policy);

        [LoggerMessage(EventId = LogEvents.RestartScheduled, Level = LogLevel.Information, Message = "Service {Service} restarts in {DelaySeconds}s after exit code {ExitCode} (attempt {Attempt})")] public static partial void RestartScheduled(ILogger logger, string service, uint exitCode, double delaySeconds, int attempt);

        [LoggerMessage(EventId = LogEvents.Restarted, Level = LogLevel.Information, Message = "Service {Service} restarted (restart #{Restarts})")] public static partial void Restarted(ILogger logger, string service, int restarts);

        [LoggerMessage(EventId = LogEvents.ServiceRestartFailed, Level = LogLevel.Error, Message = "Service {Service} could not be restarted: {Reason}")] public static partial void RestartFailed(ILogger logger, string service, string reason, Exception exception);

        [LoggerMessage(EventId = LogEvents.LeftDown, Level = LogLevel.Warning, Message = "Service {Service} stays down after exit code {ExitCode} (restart: {Policy})")] public static partial void LeftDown(ILogger logger, string service, uint exitCode, string policy);

        [LoggerMessage(EventId = LogEvents.WatchFailed, Level = LogLevel.Warning, Message = "Lost the containerd exit event stream ({Reason}); re-subscribing")] public static partial void WatchFailed(ILogger logger, string reason, Exception exception);

        [LoggerMessage(EventId = LogEvents.SweepFailed, Level = LogLevel.Warning, Message = "Could not check service {Service} for a missed exit: {Reason}")] public static partial void SweepFailed(ILogger logger, string service, string reason);
    }
}
