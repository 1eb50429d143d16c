namespace FaasD.Watchdog.Output;

/// <summary>
/// Passes the function's own output lines to the watchdog's stdout/stderr, which is what the daemon
/// captures as the function's log. This is a pass-through of someone else's output, not our logging,
/// so it writes raw lines (prefixed like of-watchdog when <c>prefix_logs</c> is on) rather than log events.
/// </summary>
internal sealed class FunctionOutput(WatchdogOptions options, TimeProvider time, TextWriter stdout, TextWriter stderr)
{
    public FunctionOutput(WatchdogOptions options, TimeProvider time)
        : this(options, time, Console.Out, Console.Error)
    {
    }

    public Task ForwardStdoutAsync(Stream source, CancellationToken cancellationToken) =>
        ForwardAsync(source, stdout, "stdout", cancellationToken);

    public Task ForwardStderrAsync(Stream source, CancellationToken cancellationToken) =>
        ForwardAsync(source, stderr, "stderr", cancellationToken);

    /// <summary>Logs text already captured in full (classic mode's combined output on failure).</summary>
    public async Task WriteStderrAsync(string text)
    {
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            await stderr.WriteLineAsync(Format("stderr", line));
        }
    }

    private async Task ForwardAsync(Stream source, TextWriter target, string streamName, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(source);
        try
        {
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                await target.WriteLineAsync(Format(streamName, line));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The process was killed or the pipe closed under us: nothing more to forward.
        }
    }

    private string Format(string streamName, string line) => options.PrefixLogs
        ? string.Create(CultureInfo.InvariantCulture, $"{time.GetUtcNow():yyyy/MM/dd HH:mm:ss} {streamName}: {line}")
        : line;
}
