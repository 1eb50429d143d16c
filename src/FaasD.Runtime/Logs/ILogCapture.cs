namespace FaasD.Runtime.Logs;

/// <summary>One captured line of a container's output.</summary>
public readonly record struct LogLine(string Name, string Namespace, string Instance, DateTimeOffset Timestamp, string Text);

/// <summary>Which lines to read: a function's or service's capture, the last <c>Tail</c> ones (0 or less: all) since a time.</summary>
public sealed record LogQuery(string Name, string Namespace, bool Follow, int Tail, DateTimeOffset? Since);

/// <summary>
/// Output capture for every container the daemon runs, functions and compose services alike: follows the
/// file the shim writes the task's stdout/stderr to, keeps a bounded capture per name and hands each line to
/// the sinks (journald, identifier <c>namespace:name</c>). Lives below both users so neither depends on the other.
/// </summary>
public interface ILogCapture
{
    /// <summary>Starts the background pump (idempotent); the host calls it once at start-up.</summary>
    void Start();

    /// <summary>Starts following the output of <paramref name="containerId"/>, captured under <paramref name="name"/> (idempotent).</summary>
    void Follow(string @namespace, string name, string containerId);

    /// <summary>Reads what is left of a removed container's output, then stops following it and deletes its raw file.</summary>
    void Unfollow(string @namespace, string containerId);

    /// <summary>Forgets the capture of a removed function or service.</summary>
    void Delete(string @namespace, string name);

    /// <summary>Lines in time order; with Follow, keeps yielding new lines until cancelled.</summary>
    IAsyncEnumerable<LogLine> ReadAsync(LogQuery query, CancellationToken cancellationToken);
}
