namespace FaasD.Functions.Abstractions;

public enum EndpointStatus
{
    Ready,
    NotFound,
    /// <summary>The function exists but cannot serve (no task and it could not be started, or the wait queue is full): 503.</summary>
    Unavailable,
    /// <summary>Waking the function took longer than the configured wait: 504.</summary>
    Timeout,
}

/// <summary>
/// The outcome of resolving a function on the hot path. A struct so that a warm request allocates nothing;
/// disposing it tells the function's tracker that the request is over.
/// </summary>
public readonly struct EndpointLease : IDisposable
{
    private readonly IInflightTracker? _tracker;
    private readonly int _incarnation;

    public EndpointLease(EndpointStatus status, string? destinationPrefix, IInflightTracker? tracker, string? reason = null)
    {
        Status = status;
        DestinationPrefix = destinationPrefix;
        _tracker = tracker;
        Reason = reason;
    }

    /// <summary>A Ready lease on one incarnation of an endpoint (see <see cref="IEndpointFeedback"/>).</summary>
    public EndpointLease(string destinationPrefix, IInflightTracker tracker, int incarnation)
        : this(EndpointStatus.Ready, destinationPrefix, tracker)
    {
        _incarnation = incarnation;
    }

    public EndpointStatus Status { get; }

    /// <summary>e.g. "http://10.62.0.7:8080"; set only when <see cref="Status"/> is Ready.</summary>
    public string? DestinationPrefix { get; }

    /// <summary>One line for the caller when the status is not Ready.</summary>
    public string? Reason { get; }

    public static EndpointLease Failed(EndpointStatus status, string reason) => new(status, null, null, reason);

    public void Dispose() => _tracker?.RequestEnded();

    /// <summary>
    /// The connection to <see cref="DestinationPrefix"/> was refused before any byte was sent: that replica is
    /// taken out of rotation (and replaced), so acquiring again picks another one. Still dispose this lease.
    /// </summary>
    public void ReportUnreachable() => (_tracker as IEndpointFeedback)?.ReportUnreachable(_incarnation);
}

/// <summary>Counts in-flight requests and last-use time for one function (lock-free).</summary>
public interface IInflightTracker
{
    void RequestEnded();
}

/// <summary>
/// Optional feedback from the forwarder about the endpoint a lease pointed at (implemented by a function's
/// replicas): a refused connection takes that replica out of rotation so a retry goes elsewhere.
/// <paramref name="incarnation"/> is the one the lease was issued for: a report that arrives after the endpoint
/// was already replaced (a connect to a torn-down address can take seconds to fail) concerns the old task and is ignored.
/// </summary>
public interface IEndpointFeedback
{
    void ReportUnreachable(int incarnation);
}
