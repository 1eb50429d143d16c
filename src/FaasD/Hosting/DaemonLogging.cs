using FaasD.Systemd.Journal;
using Serilog;
using Serilog.Events;

namespace FaasD.Hosting;

/// <summary>
/// Serilog for every daemon log line, to stdout. Under systemd each line carries a &lt;N&gt; syslog priority
/// prefix, so journald records the right level (`journalctl -u faasd -p warning`).
/// </summary>
internal static class DaemonLogging
{
    public static Serilog.ILogger CreateLogger(DaemonSettings settings)
    {
        var level = Enum.TryParse<LogEventLevel>(settings.LogLevel, ignoreCase: true, out var parsed) ? parsed : LogEventLevel.Information;
        return new LoggerConfiguration()
            .MinimumLevel.Is(level)
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .MinimumLevel.Override("Yarp", LogEventLevel.Warning)
            .MinimumLevel.Override("Grpc", LogEventLevel.Warning)
            .WriteTo.SystemdAwareConsole()
            .CreateLogger();
    }
}
