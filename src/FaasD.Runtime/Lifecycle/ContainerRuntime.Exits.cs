using System.Runtime.CompilerServices;
using FaasD.Containerd.Events;

namespace FaasD.Runtime.Lifecycle;

internal sealed partial class ContainerRuntime
{
    private const string TaskExitFilter = "topic==\"/tasks/exit\"";

    public async IAsyncEnumerable<TaskExit> WatchExitsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Global scope: one subscription sees exits in every namespace; the envelope names the namespace.
        using var call = _containerd.Global.Events.Subscribe(
            new EventsApi.SubscribeRequest { Filters = { TaskExitFilter } },
            cancellationToken: cancellationToken);
        var stream = call.ResponseStream;
        while (await NextAsync(stream, cancellationToken))
        {
            var envelope = stream.Current;
            // Exec'd processes exit too; only the init process (id == container id) ends the task.
            if (EventPayload.TryUnpack<EventsApi.TaskExit>(envelope.Event, out var exit) && exit.Id == exit.ContainerId)
            {
                yield return new TaskExit(
                    envelope.Namespace,
                    exit.ContainerId,
                    exit.ExitStatus,
                    exit.ExitedAt?.ToDateTimeOffset() ?? envelope.Timestamp?.ToDateTimeOffset() ?? DateTimeOffset.UnixEpoch);
            }
        }
    }

    private static async Task<bool> NextAsync(Grpc.Core.IAsyncStreamReader<EventsApi.Envelope> stream, CancellationToken cancellationToken)
    {
        try
        {
            return await stream.MoveNext(cancellationToken);
        }
        catch (ContainerdException exception)
        {
            throw RuntimeErrors.From(exception);
        }
    }
}
