using FaasD.Systemd.Journal;
using FaasD.Systemd.Watchdog;
using Microsoft.Extensions.Hosting.Systemd;

namespace FaasD.Systemd;

/// <summary>Host wiring for what this folder offers the daemon.</summary>
public static class SystemdServiceCollectionExtensions
{
    /// <summary>
    /// Function output to journald (<c>journalctl -t openfaas-fn:NAME</c>) besides the daemon's own capture, when
    /// journald listens at <paramref name="socketPath"/>; without journald nothing is registered.
    /// </summary>
    public static IServiceCollection AddJournalLogSink(this IServiceCollection services, string socketPath = JournalWriter.DefaultSocketPath)
    {
        var journal = new JournalWriter(socketPath);
        if (journal.IsAvailable)
        {
            services.AddSingleton(journal);
            services.AddSingleton<ILogSink>(provider => new JournalLogSink(provider.GetRequiredService<JournalWriter>()));
        }
        else
        {
            journal.Dispose();
        }

        return services;
    }

    /// <summary>
    /// Pings systemd's watchdog while <paramref name="isHealthy"/> holds (default: always, i.e. "the process
    /// still schedules timers"). Needs <c>AddSystemd()</c> for <see cref="ISystemdNotifier"/>.
    /// </summary>
    public static IServiceCollection AddSystemdWatchdog(this IServiceCollection services, Func<IServiceProvider, CancellationToken, Task<bool>>? isHealthy = null)
    {
        // AddSystemd() registers the notifier only when systemd started this process; elsewhere there is no one to ping.
        if (!SystemdHelpers.IsSystemdService())
        {
            return services;
        }

        services.AddHostedService(provider => new SystemdWatchdog(
            provider.GetRequiredService<ISystemdNotifier>(),
            ct => isHealthy is null ? Task.FromResult(true) : isHealthy(provider, ct),
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetRequiredService<ILogger<SystemdWatchdog>>()));
        return services;
    }
}
