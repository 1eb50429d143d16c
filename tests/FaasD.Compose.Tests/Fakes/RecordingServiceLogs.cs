using System.Collections.Concurrent;
using FaasD.Compose.Logs;

namespace FaasD.Compose.Tests.Fakes;

internal sealed class RecordingServiceLogs : IServiceLogs
{
    public ConcurrentQueue<(string Namespace, string Service, string Path)> Followed { get; } = new();

    public void Follow(string @namespace, string service, string containerId, string rawLogPath) =>
        Followed.Enqueue((@namespace, service, rawLogPath));
}
