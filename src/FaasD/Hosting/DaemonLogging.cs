using FaasD.Configuration;
using Serilog;
using Serilog.Events;

namespace FaasD.Hosting;

/// <summary>Serilog for every daemon log line, to stdout, which journald captures under systemd.</summary>
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
            .WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss.fff} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}")
            .CreateLogger();
    }
}
