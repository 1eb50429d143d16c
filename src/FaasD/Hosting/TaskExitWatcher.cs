using FaasD.Functions;
using FaasD.Runtime;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FaasD.Hosting;

/// <summary>Feeds containerd's task exit events to the platform, so a crashed function restarts on its next request.</summary>
internal sealed partial class TaskExitWatcher(IContainerRuntime runtime, FunctionPlatform platform, ILogger<TaskExitWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var exit in runtime.WatchExitsAsync(stoppingToken))
            {
                // Handled off the event loop: the platform may wait for a deploy of the same function to finish.
                _ = HandleAsync(exit, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
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
        [LoggerMessage(EventId = 1101, Level = LogLevel.Error, Message = "Could not handle the exit of {Namespace}/{Container}")]
        public static partial void HandlingFailed(ILogger logger, string @namespace, string container, Exception exception);
    }
}
