namespace FaasD.Functions.Waking;

/// <summary>
/// The hot path: lock-free when Running, otherwise wait for (or begin) the one wake-up. A wake thaws one replica;
/// the function's other frozen replicas are thawed one at a time when a request finds every awake replica busy
/// (see FunctionHandle.Thawing.cs).
/// </summary>
internal sealed partial class FunctionHandle
{
    /// <summary>
    /// Where to send a request. Running: Ready at once without locking or allocating. Otherwise the request
    /// joins the single wake-up (resume when paused, start when stopped, first waiting out a pause or stop in
    /// progress), bounded by <see cref="ScaleToZeroOptions.MaxWaitersPerFunction"/> (Unavailable) and
    /// <see cref="ScaleToZeroOptions.WakeTimeout"/> (Timeout). A failed wake is Unavailable with the reason; the
    /// next request tries again. Removed is NotFound. Cancelling <paramref name="cancellationToken"/> (the client
    /// went away) throws <see cref="OperationCanceledException"/> but leaves the wake-up running for the others.
    /// A Ready lease must be disposed when the request ends.
    /// </summary>
    public ValueTask<EndpointLease> AcquireAsync(CancellationToken cancellationToken) =>
        TryAcquireRunning(out var lease) ? new ValueTask<EndpointLease>(lease) : AcquireSlowAsync(cancellationToken);

    /// <summary>Called once per Ready lease when its request ends (via <see cref="EndpointLease.Dispose"/>).</summary>
    public void RequestEnded()
    {
        Volatile.Write(ref _lastUseTimestamp, _time.GetTimestamp());
        ReleaseInflight();
    }

    private bool TryAcquireRunning(out EndpointLease lease)
    {
        // Increment before reading the state: a pause publishes Pausing before it reads in-flight (see class docs).
        _inflight.Enter();
        if (Volatile.Read(ref _state) == (int)LifecycleState.Running)
        {
            // A replica may stop being Ready between the pick and entering it (drain, failure): pick again.
            for (var attempt = 0; attempt < 4; attempt++)
            {
                var replica = ReplicaPicker.Pick(Volatile.Read(ref _routable), ref _cursor);
                if (replica is null)
                {
                    break;
                }

                // Read before entering: a replica that goes out after this hands out no newer incarnation than it had.
                var incarnation = replica.Incarnation;
                if (replica.TryEnter())
                {
                    if (replica.Destination is { } destination)
                    {
                        Volatile.Write(ref _lastUseTimestamp, _time.GetTimestamp());
                        if (replica.InFlight > 1 && Volatile.Read(ref _frozenCount) > 0)
                        {
                            // The least busy awake replica was busy already: concurrent demand thaws one more.
                            ThawForDemand();
                        }

                        lease = new EndpointLease(destination, replica, incarnation);
                        return true;
                    }

                    replica.RequestEndedWithoutOwner();
                }
            }
        }

        ReleaseInflight();
        lease = default;
        return false;
    }

    private void ReleaseInflight() => _inflight.Leave();

    private async ValueTask<EndpointLease> AcquireSlowAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _waiting) > _options.MaxWaitersPerFunction)
        {
            Interlocked.Decrement(ref _waiting);
            Log.WaitQueueFull(_logger, Key, _options.MaxWaitersPerFunction);
            return EndpointLease.Failed(EndpointStatus.Unavailable, $"too many requests waiting for {Key} to wake");
        }

        try
        {
            var started = _time.GetTimestamp();
            while (true)
            {
                var wake = await WaitUntilRunningAsync(started, cancellationToken);
                if (wake.Status != EndpointStatus.Ready)
                {
                    return EndpointLease.Failed(wake.Status, wake.Reason ?? $"{Key} cannot serve");
                }

                if (TryAcquireRunning(out var lease))
                {
                    return lease;
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    /// <summary>
    /// Drives the handle to Running: begins a resume or start when none is in progress, otherwise joins the one
    /// that is, and re-reads the state after each transition ends. Ready once Running was observed.
    /// </summary>
    private async Task<WakeResult> WaitUntilRunningAsync(long startedTimestamp, CancellationToken cancellationToken)
    {
        while (true)
        {
            Transition? launch = null;
            Replica? thaw = null;
            long generation;
            Task<TransitionResult> pending;
            lock (_gate)
            {
                generation = _generation;
                switch (State)
                {
                    case LifecycleState.Running when Volatile.Read(ref _routable).Length > 0:
                        return new(EndpointStatus.Ready, null);
                    case LifecycleState.Running:
                        // Serving, but no replica is awake: thaw a frozen one (unless a thaw is under way), else wait
                        // for the supervisor to restart one whose task exited.
                        pending = ArmReplicaAvailableLocked();
                        thaw = _thawing == 0 ? BeginThawLocked() : null;
                        break;
                    case LifecycleState.Removed:
                        return new(EndpointStatus.NotFound, $"{Key} not found");
                    case LifecycleState.Paused:
                        launch = BeginResumeLocked();
                        pending = launch.Outcome;
                        break;
                    case LifecycleState.Stopped:
                        launch = BeginLocked(TransitionKind.Start);
                        pending = launch.Outcome;
                        break;
                    default:
                        pending = _current!.Outcome;
                        break;
                }
            }

            if (launch is not null)
            {
                Launch(launch);
            }

            if (thaw is not null)
            {
                _ = ThawAsync(thaw, generation, demand: false);
            }

            var remaining = _options.WakeTimeout - _time.GetElapsedTime(startedTimestamp);
            if (remaining <= TimeSpan.Zero)
            {
                return TimedOut();
            }

            TransitionResult result;
            try
            {
                result = await pending.WaitAsync(remaining, _time, cancellationToken);
            }
            catch (TimeoutException)
            {
                return TimedOut();
            }

            if (result.Outcome == TransitionOutcome.Failed && result.Kind is TransitionKind.Resume or TransitionKind.Start)
            {
                return new(EndpointStatus.Unavailable, $"{Key} could not be woken: {result.Error}");
            }
        }
    }

    private WakeResult TimedOut()
    {
        Log.WakeTimedOut(_logger, Key, _options.WakeTimeout.TotalSeconds);
        return new(EndpointStatus.Timeout, $"{Key} did not wake within {GoDuration.Format(_options.WakeTimeout)}");
    }

    private readonly record struct WakeResult(EndpointStatus Status, string? Reason);
}
