using Serilog.Events;
using Serilog.Formatting;

namespace FaasD.Systemd.Journal;

/// <summary>
/// Renders an event with an inner formatter and starts every line with the syslog priority, "&lt;4&gt;" for a
/// warning. journald reads that prefix from a service's stdout (SyslogLevelPrefix=yes, the default), so
/// <c>journalctl -u faasd -p warning</c> filters daemon logs without us speaking to journald at all. Every line
/// is prefixed, not only the first: journald stores each line as its own entry, and an exception's stack
/// trace must keep its error priority.
/// </summary>
public sealed class SyslogPrefixFormatter : ITextFormatter
{
    private readonly ITextFormatter _inner;

    public SyslogPrefixFormatter(ITextFormatter inner)
    {
        _inner = inner;
    }

    public static JournalPriority ToPriority(LogEventLevel level) => level switch
    {
        LogEventLevel.Fatal => JournalPriority.Critical,
        LogEventLevel.Error => JournalPriority.Error,
        LogEventLevel.Warning => JournalPriority.Warning,
        LogEventLevel.Information => JournalPriority.Informational,
        _ => JournalPriority.Debug,
    };

    public void Format(LogEvent logEvent, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        ArgumentNullException.ThrowIfNull(output);
        using var rendered = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        _inner.Format(logEvent, rendered);
        var prefix = $"<{(int)ToPriority(logEvent.Level)}>";
        foreach (var line in rendered.ToString().Split('\n'))
        {
            var text = line.TrimEnd('\r');
            if (text.Length > 0)
            {
                output.Write(prefix);
                output.Write(text);
                output.Write('\n');
            }
        }
    }
}
