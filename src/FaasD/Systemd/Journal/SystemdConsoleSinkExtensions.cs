using Serilog;
using Serilog.Configuration;
using Serilog.Formatting.Display;
using Serilog.Sinks.SystemConsole.Themes;

namespace FaasD.Systemd.Journal;

/// <summary>The daemon's console sink: syslog-prefixed lines when stdout is the journal, readable lines otherwise.</summary>
public static class SystemdConsoleSinkExtensions
{
    /// <summary>journald stamps time, host and PID itself, so under it a line is level, source and message.</summary>
    public const string JournalTemplate = "{SourceContext}: {Message:lj}{NewLine}{Exception}";

    public const string TerminalTemplate = "{Timestamp:HH:mm:ss.fff} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}";

    /// <summary>
    /// <c>.WriteTo.SystemdAwareConsole()</c>: under systemd every line carries its syslog priority so
    /// <c>journalctl -u faasd -p warning</c> works; in a terminal or a log file it is the usual text.
    /// </summary>
    public static LoggerConfiguration SystemdAwareConsole(this LoggerSinkConfiguration writeTo, string terminalTemplate = TerminalTemplate)
    {
        ArgumentNullException.ThrowIfNull(writeTo);
        if (SystemdEnvironment.StdoutIsJournal)
        {
            var formatter = new SyslogPrefixFormatter(new MessageTemplateTextFormatter(JournalTemplate, System.Globalization.CultureInfo.InvariantCulture));
            return writeTo.Console(formatter);
        }

        return writeTo.Console(outputTemplate: terminalTemplate, theme: Console.IsOutputRedirected ? ConsoleTheme.None : AnsiConsoleTheme.Code, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
    }
}
