using System.Collections.Concurrent;
using FaasD.Runtime.Logs;

namespace FaasD.Compose.Tests.Fakes;

/// <summary>Records which containers compose asked the capture to follow; nothing is read.</summary>
internal sealed class RecordingServiceLogs : ILogCapture
{
    public ConcurrentQueue<(string Namespace, string Service, string ContainerId)> Followed { get; } = new();

    public void Start()
    {
    }

    public void Follow(string @namespace, string name, string containerId) =>
        Followed.Enqueue((@namespace, name, containerId));

    public void Unfollow(string @namespace, string containerId)
    {
    }

    public void Delete(string @namespace, string name)
    {
    }

    public IAsyncEnumerable<LogLine> ReadAsync(LogQuery query, CancellationToken cancellationToken) => AsyncEnumerable.Empty<LogLine>();
}
