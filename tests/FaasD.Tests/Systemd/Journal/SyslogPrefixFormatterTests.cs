using FaasD.Systemd.Journal;
using NUnit.Framework;
using Serilog.Events;
using Serilog.Formatting.Display;
using Serilog.Parsing;

namespace FaasD.Tests.Systemd.Journal;

public sealed class SyslogPrefixFormatterTests
{
    private static readonly SyslogPrefixFormatter Formatter = new(
        new MessageTemplateTextFormatter(SystemdConsoleSinkExtensions.JournalTemplate, System.Globalization.CultureInfo.InvariantCulture));

    [TestCase(LogEventLevel.Verbose, "<7>")]
    [TestCase(LogEventLevel.Debug, "<7>")]
    [TestCase(LogEventLevel.Information, "<6>")]
    [TestCase(LogEventLevel.Warning, "<4>")]
    [TestCase(LogEventLevel.Error, "<3>")]
    [TestCase(LogEventLevel.Fatal, "<2>")]
    public void StartsTheLineWithTheSyslogPriority(LogEventLevel level, string prefix)
    {
        Assert.That(Render(level, null), Is.EqualTo(prefix + "Gateway: listening on 8080\n"));
    }

    [Test]
    public void EveryLineOfAStackTraceKeepsTheErrorPriority()
    {
        Exception exception;
        try
        {
            throw new InvalidOperationException("containerd went away");
        }
        catch (InvalidOperationException ex)
        {
            exception = ex;
        }

        var lines = Render(LogEventLevel.Error, exception).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.That(lines, Has.Length.GreaterThan(2));
        Assert.That(lines, Has.All.StartWith("<3>"));
        Assert.That(lines[1], Does.Contain("InvalidOperationException: containerd went away"));
    }

    private static string Render(LogEventLevel level, Exception? exception)
    {
        var template = new MessageTemplateParser().Parse("listening on {Port}");
        var logEvent = new LogEvent(DateTimeOffset.UnixEpoch, level, exception, template,
            [new LogEventProperty("Port", new ScalarValue(8080)), new LogEventProperty("SourceContext", new ScalarValue("Gateway"))]);
        using var output = new StringWriter();
        Formatter.Format(logEvent, output);
        return output.ToString();
    }
}
