namespace FaasD.Runtime.Logs;

/// <summary>The pump that reads the shim's files and the store that keeps and serves the lines, as one capture.</summary>
internal sealed class LogCapture(LogPump pump, LogStore store, TaskLogFiles files) : ILogCapture
{
    public void Start() => pump.Start();

    public void Follow(string @namespace, string name, string containerId) =>
        pump.Watch(@namespace, name, containerId, files.PathFor(@namespace, containerId));

    public void Unfollow(string @namespace, string containerId) => pump.Unwatch(files.PathFor(@namespace, containerId));

    public void Delete(string @namespace, string name) => store.Delete(@namespace, name);

    public IAsyncEnumerable<LogLine> ReadAsync(LogQuery query, CancellationToken cancellationToken) =>
        store.ReadAsync(query, cancellationToken);
}
