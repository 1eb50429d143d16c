namespace FaasD.Functions.Waking;

/// <summary>
/// One function's scale-to-zero state machine (see <see cref="LifecycleState"/>) and its in-flight tracker.
/// <para>
/// Concurrency model: the warm path (<see cref="AcquireAsync"/> while Running, <see cref="RequestEnded"/>) takes no
/// lock — it reads the published state and destination with <see cref="Volatile"/> and counts with
/// <see cref="Interlocked"/>. Every state change happens under this handle's own lock, and each runtime call runs as
/// one shared <see cref="Transition"/> that concurrent callers join instead of repeating (single flight).
/// A pause is only begun after publishing Pausing and then seeing zero in-flight requests; a request increments
/// in-flight before it reads the state, so one of the two always sees the other.
/// </para>
/// Partial files: Acquire (hot path and waking), Transitions (runtime calls), Scaling (idler and manual scaling),
/// Replicas (the function's containers: membership, balancing, draining, failures), Thawing (a wake thaws one
/// replica; load thaws the others).
/// </summary>
internal sealed partial class FunctionHandle : IInflightTracker
{
    private readonly Lock _gate = new();
    private readonly IFunctionLifecycle _lifecycle;
    private readonly ScaleToZeroOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    // Published to the lock-free paths; written only under _gate.
    private int _state;
    private ScaleToZeroSettings _settings;

    // Replicas: all members (written under _gate) and the Ready ones the hot path picks from (lock-free reads).
    private Replica[] _members = [];
    private Replica[] _routable = [];
    private int _cursor;
    private TaskCompletionSource<TransitionResult>? _replicaAvailable;

    // Hot-path counters (Interlocked/Volatile only).
    private readonly InflightCounter _inflight = new();
    private long _lastUseTimestamp;
    private int _waiting;

    // Guarded by _gate.
    private Transition? _current;
    private long _generation;
    private long _pausedAtTimestamp;

    internal FunctionHandle(
        FunctionKey key,
        LifecycleState initialState,
        string? destination,
        ScaleToZeroSettings settings,
        IFunctionLifecycle lifecycle,
        ScaleToZeroOptions options,
        TimeProvider time,
        ILogger logger)
    {
        ValidateInitialState(initialState, destination);
        ArgumentNullException.ThrowIfNull(settings);
        Key = key;
        _lifecycle = lifecycle;
        _options = options;
        _time = time;
        _logger = logger;
        _settings = settings;
        _state = (int)initialState;
        SetMembersLocked([new ReplicaSeed(key.Name, 0, initialState == LifecycleState.Stopped ? null : destination)], initialState == LifecycleState.Paused);
        _lastUseTimestamp = _pausedAtTimestamp = time.GetTimestamp();
    }

    public FunctionKey Key { get; }

    public LifecycleState State => (LifecycleState)Volatile.Read(ref _state);

    /// <summary>Where the function's (first ready) task listens, e.g. http://10.62.0.7:8080; null when none serves.</summary>
    public string? DestinationPrefix
    {
        get
        {
            var routable = Volatile.Read(ref _routable);
            return routable.Length > 0 ? routable[0].Destination : null;
        }
    }

    public ScaleToZeroSettings Settings => Volatile.Read(ref _settings);

    /// <summary>Requests forwarded to the function that have not ended yet.</summary>
    public long InFlight => _inflight.Count;

    /// <summary>Requests waiting for the function to wake.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Time since the last request started or ended (or the function last woke).</summary>
    public TimeSpan IdleFor => _time.GetElapsedTime(Volatile.Read(ref _lastUseTimestamp));

    public FunctionScaleStatus Status
    {
        get
        {
            var state = State;
            var members = Volatile.Read(ref _members).Count(r => r.State != ReplicaState.Draining);
            var available = state == LifecycleState.Running ? Volatile.Read(ref _routable).Length : 0;
            return new(state.ToFunctionState(), state.ToReplicas() == 0 ? 0 : Math.Max(members, 1), available);
        }
    }

    /// <summary>New labels for a function whose task is unchanged; takes effect at the next idle check.</summary>
    public void UpdateSettings(ScaleToZeroSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Volatile.Write(ref _settings, settings);
    }

    /// <summary>
    /// Adopts a new task (update, recovery): any transition in progress is abandoned (its runtime call is cancelled
    /// and its result ignored) and waiting requests re-read the new state. False when the handle was removed.
    /// </summary>
    internal bool TryReset(LifecycleState state, string? destination, ScaleToZeroSettings settings) =>
        TryReset(state, [new ReplicaSeed(Key.Name, 0, state == LifecycleState.Stopped ? null : destination)], settings);

    /// <summary>Like <see cref="TryReset(LifecycleState, string?, ScaleToZeroSettings)"/> with every replica of the new state.</summary>
    internal bool TryReset(LifecycleState state, IReadOnlyList<ReplicaSeed> replicas, ScaleToZeroSettings settings)
    {
        ArgumentNullException.ThrowIfNull(replicas);
        ArgumentNullException.ThrowIfNull(settings);

        // Running with every replica still out is allowed (recovery registers, then starts them): requests wait.
        ValidateInitialState(state, state == LifecycleState.Stopped ? null : "replicas");
        Transition? abandoned;
        lock (_gate)
        {
            if (State == LifecycleState.Removed)
            {
                return false;
            }

            abandoned = SupersedeLocked();
            var now = _time.GetTimestamp();
            Volatile.Write(ref _settings, settings);
            Volatile.Write(ref _lastUseTimestamp, now);
            _pausedAtTimestamp = now;
            SetMembersLocked(replicas, state == LifecycleState.Paused);
            Interlocked.Exchange(ref _state, (int)state);
        }

        abandoned?.Abandon();
        SignalReplicasChanged(superseded: true);
        return true;
    }

    /// <summary>
    /// Makes the handle terminal: new and waiting requests get NotFound, a runtime call in progress is cancelled.
    /// The task completes when that call has returned, so the caller may then tear the container down.
    /// </summary>
    internal Task MarkRemovedAsync()
    {
        Transition? abandoned;
        lock (_gate)
        {
            if (State == LifecycleState.Removed)
            {
                return Task.CompletedTask;
            }

            abandoned = SupersedeLocked();
            Interlocked.Exchange(ref _state, (int)LifecycleState.Removed);
        }

        _inflight.ReleaseWaiters();
        SignalReplicasChanged(superseded: true);
        if (abandoned is null)
        {
            return Task.CompletedTask;
        }

        abandoned.Abandon();
        return abandoned.Finished;
    }

    private Transition? SupersedeLocked()
    {
        _generation++;
        var current = _current;
        _current = null;
        return current;
    }

    private static void ValidateInitialState(LifecycleState state, string? destination)
    {
        switch (state)
        {
            case LifecycleState.Running or LifecycleState.Paused:
                ArgumentException.ThrowIfNullOrEmpty(destination);
                break;
            case LifecycleState.Stopped:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(state), state, "a function starts Running, Paused or Stopped");
        }
    }
}
