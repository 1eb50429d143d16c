using System.Runtime.CompilerServices;

namespace FaasD.Functions.Logs;

/// <summary>The runtime's output capture, read the way the logs endpoint asks for a function's lines.</summary>
internal sealed class FunctionLogSource(ILogCapture capture) : ILogSource
{
    public async IAsyncEnumerable<LogEntry> ReadAsync(LogRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = new LogQuery(request.Name, request.Namespace, request.Follow, request.Tail, request.Since);
        await foreach (var line in capture.ReadAsync(query, cancellationToken))
        {
            yield return new LogEntry(line.Name, line.Namespace, line.Instance, line.Timestamp, line.Text);
        }
    }
}
