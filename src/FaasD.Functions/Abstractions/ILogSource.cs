namespace FaasD.Functions.Abstractions;

public readonly record struct LogEntry(string Name, string Namespace, string Instance, DateTimeOffset Timestamp, string Text);

public sealed record LogRequest(string Name, string Namespace, bool Follow, int Tail, DateTimeOffset? Since);

/// <summary>Reads a function's captured stdout/stderr.</summary>
public interface ILogSource
{
    /// <summary>Entries in time order; with Follow, keeps yielding new lines until cancelled.</summary>
    IAsyncEnumerable<LogEntry> ReadAsync(LogRequest request, CancellationToken cancellationToken);
}
