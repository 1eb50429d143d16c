namespace FaasD.Functions.Waking;

/// <summary>Feeds the runtime's task exit events to the platform, so a crashed function starts again on its next request.</summary>
internal sealed partial class TaskExitWatcher(IContainerRuntime runtime, FunctionPlatform platform, ILogger<TaskExitWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var exit in runtime.WatchExitsAsync(stoppingToken))
                {
                    backoff = TimeSpan.FromMilliseconds(200);

                    // Handled off the event loop: the platform may wait for a deploy of the same function to finish.
                    _ = HandleAsync(exit, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (RuntimeException ex)
            {
                // containerd restarted: the stream ends, and exits while it was down are lost.
                Log.Resubscribing(logger, ex.Message);
            }

            await Task.Delay(backoff, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 5000));
            await ReconcileAsync(stoppingToken);
        }
    }

    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        try
        {
            await platform.ReconcileTasksAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is RuntimeException or FunctionPlatformException)
        {
            Log.ReconcileFailed(logger, ex.Message);
        }
    }

    private async Task HandleAsync(TaskExit exit, CancellationToken cancellationToken)
    {
        try
        {
            await platform.OnTaskExitedAsync(exit.Namespace, exit.Id, exit.ExitStatus, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.HandlingFailed(logger, exit.Namespace, exit.Id, ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Resubscribing, Level = LogLevel.Warning, Message = "Task event stream from containerd ended ({Reason}); subscribing again")] public static partial void Resubscribing(ILogger logger, string reason);

        [LoggerMessage(EventId = LogEvents.ReconcileFailed, Level = LogLevel.Warning, Message = "Could not check function tasks after the event stream broke: {Reason}")] public static partial void ReconcileFailed(ILogger logger, string reason);

        [LoggerMessage(EventId = LogEvents.HandlingFailed, Level = LogLevel.Error, Message = "Could not handle the exit of {Namespace}/{Container}")] public static partial void HandlingFailed(ILogger logger, string @namespace, string container, Exception exception);
    }
}
