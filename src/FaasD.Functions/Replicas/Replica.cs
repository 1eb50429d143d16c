namespace FaasD.Functions.Replicas;

/// <summary>
/// One container of a function with its own task and network namespace, and its in-flight counter.
/// The hot path enters it lock-free (<see cref="TryEnter"/>): in-flight is incremented before the state is read,
/// and a drain publishes Draining before it reads in-flight, so one of the two always sees the other.
/// </summary>
public sealed class Replica : IInflightTracker, IEndpointFeedback
{
    private readonly FunctionHandle _owner;
    private readonly InflightCounter _inflight = new();
    private long _served;
    private int _state;
    private string? _destination;
    private int _incarnation;

    internal Replica(FunctionHandle owner, string containerId, int index, string? destination, ReplicaState state, long startedTimestamp)
    {
        _owner = owner;
        ContainerId = containerId;
        Index = index;
        _destination = destination;
        _state = (int)state;
        StartedTimestamp = startedTimestamp;
    }

    /// <summary>The containerd container (and task) id, e.g. <c>name.g2.r1</c>.</summary>
    public string ContainerId { get; }

    /// <summary>Replica number within its generation (0 is the container named like the function).</summary>
    public int Index { get; }

    public ReplicaState State => (ReplicaState)Volatile.Read(ref _state);

    /// <summary>e.g. http://10.62.0.7:8080; null while it has no task.</summary>
    public string? Destination => Volatile.Read(ref _destination);

    public long InFlight => _inflight.Count;

    /// <summary>Requests this replica has been given since it was created.</summary>
    public long Served => Interlocked.Read(ref _served);

    /// <summary>When its current task became ready (liveness initial delay counts from here).</summary>
    internal long StartedTimestamp { get; private set; }

    /// <summary>
    /// Counts the times this replica was taken out of rotation: a lease or probe records it, and a failure reported
    /// later with an older number concerns a task that was already replaced, not the one serving now.
    /// </summary>
    internal int Incarnation => Volatile.Read(ref _incarnation);

    /// <summary>Consecutive failed liveness probes (the health monitor's count).</summary>
    internal int FailedProbes;

    /// <summary>Takes a request slot; false when the replica stopped being Ready in the meantime.</summary>
    internal bool TryEnter()
    {
        _inflight.Enter();
        if (Volatile.Read(ref _state) == (int)ReplicaState.Ready)
        {
            Interlocked.Increment(ref _served);
            _owner.CountServed();
            return true;
        }

        Leave();
        return false;
    }

    public void RequestEnded()
    {
        Leave();
        _owner.RequestEnded();
    }

    /// <summary>Gives back a slot taken by <see cref="TryEnter"/> that was not handed out.</summary>
    internal void RequestEndedWithoutOwner() => Leave();

    /// <summary>The connection was refused before any byte was sent: take this replica out of rotation.</summary>
    public void ReportUnreachable(int incarnation) => _owner.ReportReplicaFailed(this, "connection refused", incarnation: incarnation);

    internal void SetReady(string destination, long timestamp)
    {
        Volatile.Write(ref _destination, destination);
        StartedTimestamp = timestamp;
        FailedProbes = 0;
        Interlocked.Exchange(ref _state, (int)ReplicaState.Ready);
    }

    /// <summary>Changes the state; returns the previous one. Going Out starts a new incarnation. Called under the owner's lock.</summary>
    internal ReplicaState SetState(ReplicaState state)
    {
        var previous = (ReplicaState)Interlocked.Exchange(ref _state, (int)state);
        if (state == ReplicaState.Out && previous != ReplicaState.Out)
        {
            Interlocked.Increment(ref _incarnation);
        }

        return previous;
    }

    internal void ClearDestination() => Volatile.Write(ref _destination, null);

    /// <summary>Completes when no request is in flight (at once if none is). Publish Draining first.</summary>
    internal Task WhenIdleAsync() => _inflight.WhenIdleAsync();

    private void Leave() => _inflight.Leave();

    public override string ToString() => ContainerId;
}
