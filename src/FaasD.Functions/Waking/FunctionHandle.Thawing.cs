namespace FaasD.Functions.Waking;

/// <summary>
/// Thawing the replicas a wake left frozen. Scale to zero freezes every replica; the first request thaws one
/// (<see cref="BeginResumeLocked"/>) and the others stay frozen until load needs them:
/// <list type="bullet">
/// <item>a function whose count the autoscaler owns gets more awake replicas when the autoscaler decides so
/// (<see cref="ThawAllAsync"/> through the platform's replica count);</item>
/// <item>any other function thaws one more replica whenever a request finds every awake replica busy (concurrent
/// demand), one thaw at a time, while that request is served by the least busy awake replica without waiting.</item>
/// </list>
/// A thaw is a runtime call outside the lock, like a transition; a pause waits until none is under way.
/// </summary>
internal sealed partial class FunctionHandle
{
    // Guarded by _gate: thaws under way, and the signal for when none is.
    private int _thawing;
    private TaskCompletionSource? _thawsIdle;

    // Published for the hot path: frozen members (PublishRoutableLocked), and 1 while a demand thaw runs.
    private int _frozenCount;
    private int _demandThaw;

    /// <summary>Whether the autoscaler runs in this daemon (then it, not concurrent demand, thaws autoscaled functions).</summary>
    internal AutoscalerSwitch Autoscaler { get; init; } = new();

    /// <summary>Replicas whose task is frozen (or being thawed) while the function is Running or Paused.</summary>
    public int FrozenReplicas => Volatile.Read(ref _frozenCount);

    /// <summary>
    /// Thaws every frozen replica of a Running function (the scale API and the autoscaler want them all serving);
    /// returns when each thaw has ended. A replica that cannot be thawed stays frozen (or is restarted when its task is gone).
    /// </summary>
    internal async Task ThawAllAsync(CancellationToken cancellationToken)
    {
        var begun = new List<Replica>();
        long generation;
        Task othersDone;
        lock (_gate)
        {
            generation = _generation;
            while (BeginThawLocked() is { } replica)
            {
                begun.Add(replica);
            }

            // Thaws begun by requests before: waited for too, so the caller sees every replica awake.
            othersDone = begun.Count == 0 ? ArmThawsIdleLocked() : Task.CompletedTask;
        }

        var thaws = begun.Select(r => ThawAsync(r, generation, demand: false)).Append(othersDone);
        await Task.WhenAll(thaws).WaitAsync(cancellationToken);
    }

    /// <summary>A request found every awake replica busy: thaw one more, unless one is being thawed or the autoscaler decides.</summary>
    private void ThawForDemand()
    {
        if (Volatile.Read(ref _scaling).Autoscaled && Autoscaler.IsOn)
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _demandThaw, 1, 0) != 0)
        {
            return;
        }

        Replica? replica;
        long generation;
        lock (_gate)
        {
            generation = _generation;
            replica = BeginThawLocked();
        }

        if (replica is null)
        {
            Volatile.Write(ref _demandThaw, 0);
            return;
        }

        _ = ThawAsync(replica, generation, demand: true);
    }

    /// <summary>Marks the lowest-numbered frozen replica Thawing and counts the thaw; null when none (or not Running).</summary>
    private Replica? BeginThawLocked()
    {
        if (State != LifecycleState.Running)
        {
            return null;
        }

        var target = LowestFrozenLocked();
        if (target is null)
        {
            return null;
        }

        target.SetState(ReplicaState.Thawing);
        _thawing++;
        PublishRoutableLocked();
        return target;
    }

    /// <summary>The frozen member thawed next: the lowest-numbered (the primary first). Called under the lock.</summary>
    private Replica? LowestFrozenLocked()
    {
        Replica? lowest = null;
        foreach (var member in _members)
        {
            if (member.State == ReplicaState.Frozen && (lowest is null || member.Index < lowest.Index))
            {
                lowest = member;
            }
        }

        return lowest;
    }

    /// <summary>Completes when no thaw is under way. Called under the lock.</summary>
    private Task ArmThawsIdleLocked()
    {
        if (_thawing == 0)
        {
            return Task.CompletedTask;
        }

        _thawsIdle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _thawsIdle.Task;
    }

    /// <summary>Runs one begun thaw; never throws.</summary>
    private async Task ThawAsync(Replica replica, long generation, bool demand)
    {
        var started = _time.GetTimestamp();
        string? error = null;
        var gone = false;
        using (var timeout = new CancellationTokenSource(_options.OperationTimeout, _time))
        {
            try
            {
                await _lifecycle.ResumeAsync(Key, replica.ContainerId, timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                error = "the thaw did not finish in time";
            }
            catch (FunctionPlatformException ex)
            {
                error = ex.Message;
                gone = ex.Kind == FunctionErrorKind.NotFound;
            }
#pragma warning disable CA1031 // A fire-and-forget thaw must not throw; the failure is logged and the replica stays frozen.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                error = ex.Message;
            }
        }

        FinishThaw(replica, generation, error, gone, _time.GetElapsedTime(started));
        if (demand)
        {
            Volatile.Write(ref _demandThaw, 0);
        }
    }

    private void FinishThaw(Replica replica, long generation, string? error, bool gone, TimeSpan elapsed)
    {
        TaskCompletionSource? idle = null;
        TaskCompletionSource<TransitionResult>? nothingServes = null;
        var applied = false;
        lock (_gate)
        {
            if (--_thawing == 0)
            {
                idle = _thawsIdle;
                _thawsIdle = null;
            }

            if (generation == _generation && IsMemberLocked(replica) && replica.State == ReplicaState.Thawing)
            {
                applied = true;
                if (error is null && replica.Destination is { } destination)
                {
                    replica.SetReady(destination, _time.GetTimestamp());
                }
                else
                {
                    replica.SetState(gone ? ReplicaState.Out : ReplicaState.Frozen);
                }

                PublishRoutableLocked();
                if (error is not null && _routable.Length == 0)
                {
                    // Requests waiting for a replica get the failure instead of waiting out the wake timeout.
                    nothingServes = _replicaAvailable;
                    _replicaAvailable = null;
                }
            }
        }

        idle?.TrySetResult();
        if (!applied)
        {
            return;
        }

        if (error is null)
        {
            Log.ReplicaThawed(_logger, Key, replica.ContainerId, elapsed.TotalMilliseconds);
            SignalReplicasChanged(superseded: false);
            return;
        }

        Log.ReplicaThawFailed(_logger, Key, replica.ContainerId, error);
        nothingServes?.TrySetResult(new(TransitionKind.Resume, TransitionOutcome.Failed, error));
        if (gone)
        {
            ReplicaFailed?.Invoke(this, replica, "its task was gone when it was thawed");
        }
    }
}

/// <summary>On once the autoscaler runs: from then on it, not concurrent demand, thaws the frozen replicas of autoscaled functions.</summary>
internal sealed class AutoscalerSwitch
{
    private int _on;

    public bool IsOn => Volatile.Read(ref _on) != 0;

    public void TurnOn() => Volatile.Write(ref _on, 1);
}
