namespace FaasD.Invocation;

/// <summary>
/// The async queue as the gateway and the triggers see it. <see cref="EnqueueAsync"/> returns only once the call
/// is durable (on disk for the embedded queue, acknowledged by JetStream for NATS).
/// </summary>
public interface IAsyncInvocationQueue
{
    Task<EnqueueResult> EnqueueAsync(AsyncInvocation invocation, CancellationToken cancellationToken);

    /// <summary>Calls waiting or running, per function (<c>name.namespace</c>).</summary>
    Task<IReadOnlyList<QueueDepth>> DepthAsync(CancellationToken cancellationToken);
}

/// <summary>A call accepted by <c>/async-function/</c> or started by a trigger.</summary>
public sealed class AsyncInvocation
{
    public required string CallId { get; init; }

    public required InvocationRequest Request { get; init; }

    /// <summary>Absolute http(s) URL the result is POSTed to, or null.</summary>
    public Uri? CallbackUrl { get; init; }

    /// <summary>When the call was accepted (also sent as X-Start-Time, Unix nanoseconds).</summary>
    public required DateTimeOffset AcceptedAt { get; init; }
}

public enum EnqueueStatus
{
    Accepted,
    /// <summary>The queue (or this function's share of it) is at its limit: 429.</summary>
    Full,
    /// <summary>The queue cannot take calls now (disk error, NATS unreachable): 503.</summary>
    Unavailable,
}

public readonly record struct EnqueueResult(EnqueueStatus Status, string? Reason = null);

public readonly record struct QueueDepth(string Namespace, string Name, long Queued, long Running);
