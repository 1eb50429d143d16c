namespace FaasD.Systemd.Journal;

/// <summary>
/// Function output to journald, one entry per line, as faasd does: <c>SYSLOG_IDENTIFIER=&lt;namespace&gt;:&lt;function&gt;</c>,
/// stdout at info (6), stderr at err (3), so <c>journalctl -t openfaas-fn:NAME</c> shows a function's lines.
/// </summary>
public sealed class JournalLogSink : ILogSink
{
    private readonly JournalWriter _journal;

    public JournalLogSink(JournalWriter journal)
    {
        _journal = journal;
    }

    public void Write(string @namespace, string function, string instance, string text, bool isError)
    {
        _journal.Write(
            isError ? JournalPriority.Error : JournalPriority.Informational,
            $"{@namespace}:{function}",
            text,
            [new("CONTAINER_ID", instance), new("FAASD_NAMESPACE", @namespace), new("FAASD_FUNCTION", function)]);
    }
}
