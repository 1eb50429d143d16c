namespace FaasD.Functions.Waking;

/// <summary>
/// The function's replicas: membership changes under the lock, the routable (Ready) array is republished after
/// each so the hot path reads it without locking (<see cref="ReplicaPicker"/>).
/// </summary>
internal sealed partial class FunctionHandle
{
    private int _desired = 1;
    private ScalingSettings _scaling = ScalingSettings.Default;

    /// <summary>Replica bounds and autoscaling rule from the function's labels.</summary>
    public ScalingSettings Scaling
    {
        get => Volatile.Read(ref _scaling);
        internal set => Volatile.Write(ref _scaling, value ?? ScalingSettings.Default);
    }

    /// <summary>Raised (outside the lock) when a replica is taken out: task exit, refused connection, failed liveness.</summary>
    internal event Action<FunctionHandle, Replica, string>? ReplicaFailed;

    /// <summary>A moment's view of every replica, including starting, draining and failed ones.</summary>
    public IReadOnlyList<Replica> Replicas => Volatile.Read(ref _members);

    /// <summary>Replicas that can take a request right now.</summary>
    public int ReadyReplicas => Volatile.Read(ref _routable).Length;

    /// <summary>The replica count the platform keeps this function at while it serves (scale API, autoscaler).</summary>
    public int DesiredReplicas
    {
        get => Volatile.Read(ref _desired);
        internal set => Volatile.Write(ref _desired, Math.Max(1, value));
    }

    /// <summary>Requests handed to replicas since the function was registered (the autoscaler's rps counter).</summary>
    public long Served => Interlocked.Read(ref _servedTotal);

    private long _servedTotal;

    /// <summary>A new member that does not take traffic until <see cref="MarkReplicaReady"/>. Null when the handle was removed.</summary>
    internal Replica? AddReplica(string containerId, int index)
    {
        lock (_gate)
        {
            if (State == LifecycleState.Removed)
            {
                return null;
            }

            var replica = new Replica(this, containerId, index, null, ReplicaState.Starting, _time.GetTimestamp());
            Volatile.Write(ref _members, [.. _members, replica]);
            return replica;
        }
    }

    /// <summary>The replica's task answers at <paramref name="destination"/>: it joins the rotation.</summary>
    internal void MarkReplicaReady(Replica replica, string destination)
    {
        lock (_gate)
        {
            if (!IsMemberLocked(replica))
            {
                return;
            }

            replica.SetReady(destination, _time.GetTimestamp());
            PublishRoutableLocked();
        }

        SignalReplicasChanged(superseded: false);
    }

    /// <summary>A restart of an Out replica begins: it stays out of rotation. False when it is no longer a member or not Out.</summary>
    internal bool TryMarkReplicaStarting(Replica replica)
    {
        lock (_gate)
        {
            if (!IsMemberLocked(replica) || replica.State != ReplicaState.Out)
            {
                return false;
            }

            replica.SetState(ReplicaState.Starting);
            return true;
        }
    }

    /// <summary>A restart failed: the replica is Out again (the supervisor retries with backoff).</summary>
    internal void MarkReplicaOut(Replica replica)
    {
        lock (_gate)
        {
            if (IsMemberLocked(replica))
            {
                replica.SetState(ReplicaState.Out);
                PublishRoutableLocked();
            }
        }
    }

    /// <summary>
    /// Takes the replica out of rotation and completes when its last in-flight request has ended (the caller bounds
    /// the wait by the stop grace period). Draining is published before in-flight is read (see <see cref="Replica"/>).
    /// </summary>
    internal Task DrainReplicaAsync(Replica replica)
    {
        lock (_gate)
        {
            replica.SetState(ReplicaState.Draining);
            PublishRoutableLocked();
        }

        return replica.WhenIdleAsync();
    }

    /// <summary>Forgets a drained (or failed) replica whose container is being removed.</summary>
    internal void RemoveReplica(Replica replica)
    {
        lock (_gate)
        {
            replica.SetState(ReplicaState.Draining);
            Volatile.Write(ref _members, [.. _members.Where(r => !ReferenceEquals(r, replica))]);
            PublishRoutableLocked();
        }
    }

    /// <summary>
    /// A replica stopped serving (task exited, refused a connection, failed liveness): out of rotation at once and
    /// <see cref="ReplicaFailed"/> raised so it gets replaced. Ignored for non-members and replicas already out or draining.
    /// When its task is gone and it was the last one serving, the function becomes Stopped (the next request starts it);
    /// otherwise requests wait for the supervisor's restart. With <paramref name="incarnation"/> (the replica's
    /// <see cref="Replica.Incarnation"/> when the failing request or probe began), a report about a task that has since
    /// been (or is being) replaced is ignored: it must not take the healthy replacement out (and have the supervisor
    /// kill it). Returns whether the replica was taken out.
    /// </summary>
    internal bool ReportReplicaFailed(Replica replica, string reason, bool taskGone = false, int? incarnation = null)
    {
        lock (_gate)
        {
            if (!IsMemberLocked(replica) || replica.State is ReplicaState.Out or ReplicaState.Draining)
            {
                return false;
            }

            if (incarnation is { } seen && seen != replica.Incarnation)
            {
                Log.StaleFailureIgnored(_logger, Key, replica.ContainerId, reason);
                return false;
            }

            replica.SetState(ReplicaState.Out);
            PublishRoutableLocked();
            if (taskGone && State == LifecycleState.Running && _routable.Length == 0
                && !_members.Any(r => r.State is ReplicaState.Starting or ReplicaState.Frozen or ReplicaState.Thawing))
            {
                // The last task is gone and none is starting: the next request cold-starts the function, as when it had one task.
                Interlocked.Exchange(ref _state, (int)LifecycleState.Stopped);
                foreach (var member in _members)
                {
                    member.SetState(ReplicaState.Out);
                }
            }
        }

        ReplicaFailed?.Invoke(this, replica, reason);
        return true;
    }

    /// <summary>The member running <paramref name="containerId"/>, or null.</summary>
    public Replica? FindReplica(string containerId)
    {
        foreach (var replica in Volatile.Read(ref _members))
        {
            if (replica.ContainerId == containerId)
            {
                return replica;
            }
        }

        return null;
    }

    internal void CountServed() => Interlocked.Increment(ref _servedTotal);

    private long _manualScaleTimestamp = long.MinValue;

    /// <summary>The scale API (or an alert) set the count: the autoscaler leaves it for one down window before scaling down.</summary>
    internal void MarkScaledByHand() => Interlocked.Exchange(ref _manualScaleTimestamp, _time.GetTimestamp());

    /// <summary>True when the count was set by hand less than <paramref name="window"/> ago.</summary>
    internal bool ScaledByHandWithin(TimeSpan window)
    {
        var at = Interlocked.Read(ref _manualScaleTimestamp);
        return at != long.MinValue && _time.GetElapsedTime(at) < window;
    }

    private bool IsMemberLocked(Replica replica) => Array.IndexOf(_members, replica) >= 0;

    /// <summary>
    /// Replaces every member (construction, reset). Called under the lock or from the constructor. Replicas with an
    /// address are Ready, or Frozen when <paramref name="paused"/> (the function sleeps) or their seed says so.
    /// </summary>
    private void SetMembersLocked(IReadOnlyList<ReplicaSeed> seeds, bool paused)
    {
        var now = _time.GetTimestamp();
        var members = new Replica[seeds.Count];
        for (var i = 0; i < seeds.Count; i++)
        {
            var seed = seeds[i];
            var existing = Array.Find(_members, r => r.ContainerId == seed.ContainerId);
            var frozen = paused || seed.Frozen;
            if (existing is not null && seed.Destination is not null)
            {
                // Same container, same counters: in-flight requests on it keep being counted.
                existing.SetReady(seed.Destination, now);
                if (frozen)
                {
                    existing.SetState(ReplicaState.Frozen);
                }

                members[i] = existing;
                continue;
            }

            members[i] = new Replica(this, seed.ContainerId, seed.Index, seed.Destination,
                seed.Destination is null ? ReplicaState.Out : frozen ? ReplicaState.Frozen : ReplicaState.Ready, now);
        }

        foreach (var old in _members)
        {
            if (Array.IndexOf(members, old) < 0)
            {
                old.SetState(ReplicaState.Draining);
            }
        }

        Volatile.Write(ref _members, members);
        PublishRoutableLocked();
    }

    private void PublishRoutableLocked()
    {
        Volatile.Write(ref _routable, [.. _members.Where(r => r.State == ReplicaState.Ready && r.Destination is not null)]);
        Volatile.Write(ref _frozenCount, _members.Count(r => r.State == ReplicaState.Frozen));
    }

    /// <summary>Completes when a replica joins the rotation (or the handle is reset or removed). Called under the lock.</summary>
    private Task<TransitionResult> ArmReplicaAvailableLocked()
    {
        var signal = _replicaAvailable;
        if (signal is null || signal.Task.IsCompleted)
        {
            signal = new TaskCompletionSource<TransitionResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            _replicaAvailable = signal;
        }

        return signal.Task;
    }

    private void SignalReplicasChanged(bool superseded)
    {
        TaskCompletionSource<TransitionResult>? signal;
        lock (_gate)
        {
            if (!superseded && Volatile.Read(ref _routable).Length == 0)
            {
                return;
            }

            signal = _replicaAvailable;
            _replicaAvailable = null;
        }

        signal?.TrySetResult(new(TransitionKind.Start, superseded ? TransitionOutcome.Superseded : TransitionOutcome.Succeeded, null));
    }

    /// <summary>
    /// What a finished transition did to the replicas: a pause froze each target whose call succeeded (also when
    /// another failed); a resume woke its one target (the other frozen replicas stay frozen); a deep-sleep stop left
    /// every replica out; a start woke the primary. Returns the replicas to restart (out ones, once the function serves).
    /// </summary>
    private List<Replica> ApplyTransitionToReplicasLocked(Transition transition, string? destination, bool succeeded)
    {
        var restart = new List<Replica>();
        var kind = transition.Kind;
        if (kind == TransitionKind.Pause)
        {
            for (var i = 0; i < transition.Targets.Length; i++)
            {
                var target = transition.Targets[i];
                var froze = succeeded || (transition.Calls is { } calls && i < calls.Length && calls[i].IsCompletedSuccessfully);
                if (froze && target.State == ReplicaState.Ready)
                {
                    target.SetState(ReplicaState.Frozen);
                }
            }
        }
        else if (kind == TransitionKind.Resume)
        {
            foreach (var target in transition.Targets.Where(t => t.State == ReplicaState.Thawing))
            {
                if (succeeded && !transition.TargetGone && target.Destination is { } address)
                {
                    target.SetReady(address, _time.GetTimestamp());
                }
                else
                {
                    target.SetState(succeeded ? ReplicaState.Out : ReplicaState.Frozen);
                }
            }

            if (succeeded)
            {
                // Replicas that died while the function slept are replaced now that it serves again.
                restart.AddRange(_members.Where(r => r.State == ReplicaState.Out));
            }
        }
        else if (!succeeded)
        {
            // A failed start or stop changes no replica.
        }
        else if (kind == TransitionKind.Stop)
        {
            foreach (var replica in _members)
            {
                replica.SetState(ReplicaState.Out);
            }
        }
        else if (destination is not null && _members.Length > 0)
        {
            // The lifecycle starts the primary replica (lowest number), the one the catalog names.
            var primary = _members.MinBy(r => r.Index)!;
            primary.SetReady(destination, _time.GetTimestamp());
            restart.AddRange(_members.Where(r => r.State == ReplicaState.Out));
        }

        PublishRoutableLocked();
        return restart;
    }

    private void RaiseRestarts(List<Replica> restart)
    {
        foreach (var replica in restart)
        {
            ReplicaFailed?.Invoke(this, replica, "woken after deep sleep");
        }
    }
}
