using FaasD.Compose.Running;
using FaasD.Functions;
using FaasD.Systemd.Manager;

namespace FaasD.Hosting;

/// <summary>
/// What must be true before the gateway serves (and before systemd hears READY): containerd answers,
/// openfaas-fn is marked as an OpenFaaS namespace, and every function has been recovered from containerd.
/// </summary>
internal sealed partial class DaemonStartup(
    DaemonSettings settings,
    IImageCollector images,
    IContainerRuntime runtime,
    IFunctionRecovery recovery,
    IComposeServices compose,
    ILogCapture logs,
    TimeProvider time,
    ILogger<DaemonStartup> logger,
    ILogger<ContainerdServiceCheck> checkLogger)
{
    public static Task RunAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        ActivatorUtilities.CreateInstance<DaemonStartup>(services).RunAsync(cancellationToken);

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var version = await WaitForContainerdAsync(cancellationToken);
        Log.Containerd(logger, version, settings.ContainerdSocket);

        if (await images.DeleteStaleLeasesAsync(cancellationToken) is > 0 and var stale)
        {
            Log.StaleLeases(logger, stale);
        }

        logs.Start();
        await StartServicesAsync(cancellationToken);
        var summary = await recovery.RecoverAsync(cancellationToken);
        Log.Recovered(logger, summary.ToString(), time.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>
    /// Compose services come up (in dependency order) before functions are served, since functions use them.
    /// A refused file is logged and skipped: functions still run.
    /// </summary>
    private async Task StartServicesAsync(CancellationToken cancellationToken)
    {
        await compose.StartAsync(cancellationToken);
        var result = await compose.Started.WaitAsync(cancellationToken);
        if (result.Error is { } error)
        {
            Log.ComposeRefused(logger, error.Message);
        }
        else if (!result.AllUp)
        {
            Log.ComposeIncomplete(logger, string.Join(", ", result.Outcomes.Where(o => o.Value == ServiceStartOutcome.Failed).Select(o => o.Key)));
        }
    }

    /// <summary>containerd may still be starting (boot, upgrade): wait a bounded time, then say what to do.</summary>
    private async Task<string> WaitForContainerdAsync(CancellationToken cancellationToken)
    {
        var deadline = time.GetTimestamp();
        var waited = false;
        while (true)
        {
            try
            {
                return await runtime.GetVersionAsync(cancellationToken);
            }
            catch (RuntimeException ex) when (ex.Kind == RuntimeErrorKind.Unavailable && time.GetElapsedTime(deadline) < TimeSpan.FromSeconds(60))
            {
                if (!waited)
                {
                    Log.WaitingForContainerd(logger, settings.ContainerdSocket);
                    waited = true;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), time, cancellationToken);
            }
            catch (RuntimeException ex) when (ex.Kind == RuntimeErrorKind.Unavailable)
            {
                if (await ContainerdServiceCheck.ForSystem(checkLogger).FindProblemAsync(cancellationToken) is { } problem)
                {
                    throw new StartupException(problem, ex);
                }

                throw new StartupException(
                    $"containerd is not reachable at {settings.ContainerdSocket}: start it (`systemctl start containerd`, or run `containerd` as root) or set --containerd-socket",
                    ex);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.ConnectedToContainerd, Level = LogLevel.Information, Message = "Connected to containerd {Version} at {Socket}")] public static partial void Containerd(ILogger logger, string version, string socket);

        [LoggerMessage(EventId = LogEvents.WaitingForContainerd, Level = LogLevel.Warning, Message = "Waiting for containerd at {Socket}")] public static partial void WaitingForContainerd(ILogger logger, string socket);

        [LoggerMessage(EventId = LogEvents.ComposeRefused, Level = LogLevel.Error, Message = "docker-compose services not started: {Reason}")] public static partial void ComposeRefused(ILogger logger, string reason);

        [LoggerMessage(EventId = LogEvents.ComposeIncomplete, Level = LogLevel.Error, Message = "docker-compose services that failed to start: {Services}")] public static partial void ComposeIncomplete(ILogger logger, string services);

        [LoggerMessage(EventId = LogEvents.StaleLeasesDeleted, Level = LogLevel.Information, Message = "Deleted {Count} leases left by a FaasD process that no longer runs")] public static partial void StaleLeases(ILogger logger, int count);

        [LoggerMessage(EventId = LogEvents.Recovered, Level = LogLevel.Information, Message = "Recovered functions from containerd: {Summary} in {Milliseconds:0} ms")] public static partial void Recovered(ILogger logger, string summary, double milliseconds);
    }
}

/// <summary>A start-up failure with a message fit for the operator; printed without a stack trace.</summary>
internal sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);
