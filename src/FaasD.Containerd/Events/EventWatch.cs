using System.Runtime.CompilerServices;
using FaasD.Containerd.Api.Events;

namespace FaasD.Containerd.Events;

/// <summary>
/// A subscription to containerd's events that outlives daemon restarts: when the stream breaks with Unavailable it
/// subscribes again with a growing delay (100 ms doubling to 3 s, as containerd's own client backs off).
/// Events published while disconnected are lost, which is why callers get a hook to reconcile after each resubscribe.
/// </summary>
internal sealed partial class EventWatch
{
    private static readonly TimeSpan s_firstRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_maxRetryDelay = TimeSpan.FromSeconds(3);

    private readonly Api.Events.Events.EventsClient _events;
    private readonly ContainerdScopeDependencies _dependencies;
    private readonly ILogger _logger;

    public EventWatch(Api.Events.Events.EventsClient events, ContainerdScopeDependencies dependencies)
    {
        _events = events;
        _dependencies = dependencies;
        _logger = dependencies.LoggerFactory.CreateLogger<EventWatch>();
    }

    public async IAsyncEnumerable<Envelope> WatchAsync(
        IReadOnlyList<string> filters,
        Func<CancellationToken, Task>? resubscribed,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new SubscribeRequest { Filters = { filters } };
        var delay = s_firstRetryDelay;
        for (var attempt = 0; ; attempt++)
        {
            using var subscription = _events.Subscribe(request, cancellationToken: cancellationToken);
            if (attempt > 0 && resubscribed is not null)
            {
                await resubscribed(cancellationToken);
            }

            while (true)
            {
                Envelope envelope;
                try
                {
                    if (!await subscription.ResponseStream.MoveNext(cancellationToken))
                    {
                        break;
                    }

                    envelope = subscription.ResponseStream.Current;
                }
                catch (ContainerdException exception) when (exception.Kind == ContainerdErrorKind.Unavailable)
                {
                    Log.Disconnected(_logger, delay, exception);
                    break;
                }

                delay = s_firstRetryDelay;
                yield return envelope;
            }

            await Task.Delay(delay, _dependencies.TimeProvider, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, s_maxRetryDelay.Ticks));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Disconnected, Level = LogLevel.Warning, Message = "containerd event stream lost; subscribing again in {Delay}")] public static partial void Disconnected(ILogger logger, TimeSpan delay, Exception exception);
    }
}
