using Microsoft.Extensions.Hosting.Systemd;

namespace FaasD.Systemd.Watchdog;

/// <summary>
/// Answers faasd.service's WatchdogSec: sends WATCHDOG=1 at half the interval systemd asks for (WATCHDOG_USEC),
/// but only while the health check passes, so a daemon that is alive yet wedged (gateway or containerd
/// connection stuck) is restarted by systemd. Does nothing when systemd did not ask for a watchdog.
/// </summary>
public sealed partial class SystemdWatchdog : BackgroundService
{
    private readonly ISystemdNotifier _notifier;
    private readonly Func<CancellationToken, Task<bool>> _isHealthy;
    private readonly TimeProvider _time;
    private readonly ILogger<SystemdWatchdog> _logger;
    private readonly TimeSpan? _interval;

    public SystemdWatchdog(ISystemdNotifier notifier, Func<CancellationToken, Task<bool>> isHealthy, TimeProvider time, ILogger<SystemdWatchdog> logger)
        : this(notifier, isHealthy, time, logger, WatchdogInterval(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), Environment.GetEnvironmentVariable("WATCHDOG_PID"), Environment.ProcessId))
    {
    }

    public SystemdWatchdog(ISystemdNotifier notifier, Func<CancellationToken, Task<bool>> isHealthy, TimeProvider time, ILogger<SystemdWatchdog> logger, TimeSpan? interval)
    {
        _notifier = notifier;
        _isHealthy = isHealthy;
        _time = time;
        _logger = logger;
        _interval = interval;
    }

    /// <summary>
    /// sd_watchdog_enabled(3): the watchdog is for us when WATCHDOG_USEC is set and WATCHDOG_PID is unset or
    /// our pid; we ping at half the timeout, as systemd recommends.
    /// </summary>
    public static TimeSpan? WatchdogInterval(string? watchdogUsec, string? watchdogPid, int processId)
    {
        if (!ulong.TryParse(watchdogUsec, NumberStyles.None, CultureInfo.InvariantCulture, out var usec) || usec == 0)
        {
            return null;
        }

        if (!string.IsNullOrEmpty(watchdogPid) && watchdogPid != processId.ToString(CultureInfo.InvariantCulture))
        {
            return null;
        }

        return TimeSpan.FromMicroseconds(usec / 2);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_interval is not { } interval || !_notifier.IsEnabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, _time);
        do
        {
            bool healthy;
            try
            {
                healthy = await _isHealthy(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.HealthCheckFailed(_logger, ex);
                healthy = false;
            }

            if (healthy)
            {
                _notifier.Notify(new ServiceState("WATCHDOG=1"));
            }
            else
            {
                Log.Unhealthy(_logger, interval * 2);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.WatchdogUnhealthy, Level = LogLevel.Warning, Message = "Health check failed: not pinging the systemd watchdog; systemd restarts faasd if this lasts {Timeout}")] public static partial void Unhealthy(ILogger logger, TimeSpan timeout);

        [LoggerMessage(EventId = LogEvents.WatchdogHealthCheckFailed, Level = LogLevel.Warning, Message = "Health check threw")] public static partial void HealthCheckFailed(ILogger logger, Exception exception);
    }
}
