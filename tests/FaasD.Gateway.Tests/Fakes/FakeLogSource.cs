using System.Runtime.CompilerServices;
using System.Threading.Channels;
using FaasD.Functions.Abstractions;

namespace FaasD.Gateway.Tests.Fakes;

/// <summary>Replays stored entries (honouring tail), then with Follow yields whatever the test writes to <see cref="Live"/>.</summary>
internal sealed class FakeLogSource : ILogSource
{
    public List<LogEntry> Stored { get; } = [];

    public Channel<LogEntry> Live { get; private set; } = Channel.CreateUnbounded<LogEntry>();

    public LogRequest? LastRequest { get; private set; }

    public Exception? Fail { get; set; }

    public void Reset()
    {
        Stored.Clear();
        Live = Channel.CreateUnbounded<LogEntry>();
        LastRequest = null;
        Fail = null;
    }

    public async IAsyncEnumerable<LogEntry> ReadAsync(LogRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        LastRequest = request;
        await Task.Yield();
        if (Fail is { } fail)
        {
            throw fail;
        }

        var entries = Stored.Where(e => e.Name == request.Name && e.Namespace == request.Namespace).ToList();
        var skip = request.Tail > 0 ? Math.Max(0, entries.Count - request.Tail) : 0;
        foreach (var entry in entries.Skip(skip))
        {
            yield return entry;
        }

        if (!request.Follow)
        {
            yield break;
        }

        await foreach (var entry in Live.Reader.ReadAllAsync(cancellationToken))
        {
            yield return entry;
        }
    }
}
