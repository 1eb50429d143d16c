namespace FaasD.Functions.Waking;

/// <summary>Runtime calls: each is begun under the lock (state published first), run outside it, and finished under it.</summary>
internal sealed partial class FunctionHandle
{
    /// <summary>
    /// Publishes Pausing, then begins a pause of every Ready replica only if no request is in flight and no replica is
    /// being thawed; otherwise back to Running. Replicas already frozen stay so.
    /// </summary>
    private Transition? TryBeginPauseLocked()
    {
        if (State != LifecycleState.Running)
        {
            return null;
        }

        Interlocked.Exchange(ref _state, (int)LifecycleState.Pausing);
        if (_inflight.Count != 0 || _thawing != 0)
        {
            Volatile.Write(ref _state, (int)LifecycleState.Running);
            return null;
        }

        return BeginLocked(TransitionKind.Pause, [.. _members.Where(r => r.State == ReplicaState.Ready)]);
    }

    /// <summary>A wake of a frozen function: thaws one replica (the lowest-numbered frozen one); the others stay frozen.</summary>
    private Transition BeginResumeLocked()
    {
        var target = LowestFrozenLocked();
        target?.SetState(ReplicaState.Thawing);
        PublishRoutableLocked();
        return BeginLocked(TransitionKind.Resume, target is null ? [] : [target]);
    }

    private Transition BeginLocked(TransitionKind kind, Replica[]? targets = null)
    {
        var timeout = kind == TransitionKind.Start ? _options.ReadinessTimeout : _options.OperationTimeout;
        var transition = new Transition(kind, _generation, timeout, _time, targets ?? []);
        _current = transition;
        Interlocked.Exchange(ref _state, (int)(kind switch
        {
            TransitionKind.Pause => LifecycleState.Pausing,
            TransitionKind.Resume => LifecycleState.Resuming,
            TransitionKind.Start => LifecycleState.Starting,
            _ => LifecycleState.Stopping,
        }));
        return transition;
    }

    /// <summary>Runs a begun transition; never throws (failures become the outcome waiters see).</summary>
    private void Launch(Transition transition) => _ = RunAsync(transition);

    private async Task RunAsync(Transition transition)
    {
        var started = _time.GetTimestamp();
        Log.TransitionStarted(_logger, Key, transition.Kind);
        string? destination = null;
        string? error = null;
        try
        {
            switch (transition.Kind)
            {
                case TransitionKind.Pause:
                    transition.Calls = [.. transition.Targets.Select(r => _lifecycle.PauseAsync(Key, r.ContainerId, transition.Token))];
                    await Task.WhenAll(transition.Calls);
                    break;
                case TransitionKind.Resume:
                    foreach (var target in transition.Targets)
                    {
                        try
                        {
                            await _lifecycle.ResumeAsync(Key, target.ContainerId, transition.Token);
                        }
                        catch (FunctionPlatformException ex) when (ex.Kind == FunctionErrorKind.NotFound)
                        {
                            // Its task died while frozen: the function wakes without it and it is restarted.
                            transition.TargetGone = true;
                        }
                    }

                    break;
                case TransitionKind.Start:
                    destination = await _lifecycle.StartAsync(Key, transition.Token);
                    if (string.IsNullOrEmpty(destination))
                    {
                        error = "the runtime returned no address";
                    }

                    break;
                default:
                    await _lifecycle.StopAsync(Key, transition.Token);
                    break;
            }
        }
        catch (OperationCanceledException) when (transition.Token.IsCancellationRequested)
        {
            error = transition.IsAbandoned
                ? "abandoned"
                : $"{transition.Kind.ToString().ToLowerInvariant()} did not finish within {GoDuration.Format(transition.Timeout)}";
        }
#pragma warning disable CA1031 // Any runtime failure becomes the reason waiting requests get; nothing may escape a fire-and-forget task.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            error = ex.Message;
            if (!transition.IsAbandoned)
            {
                Log.TransitionFailed(_logger, Key, transition.Kind, _time.GetElapsedTime(started).TotalMilliseconds, ex);
            }
        }

        var elapsed = _time.GetElapsedTime(started);
        if (error is null)
        {
            // Thaws and task starts are what a sleeping function's first caller waits for.
            if (transition.Kind == TransitionKind.Resume)
            {
                FaasD.Metrics.FaasDMetrics.RecordWake(Key.Namespace, Key.Name, elapsed);
            }
            else if (transition.Kind == TransitionKind.Start)
            {
                FaasD.Metrics.FaasDMetrics.RecordColdStart(Key.Namespace, Key.Name, elapsed);
            }
        }

        Finish(transition, destination, error, elapsed);
    }

    private void Finish(Transition transition, string? destination, string? error, TimeSpan elapsed)
    {
        TransitionResult result;
        List<Replica>? restart = null;
        lock (_gate)
        {
            if (transition.Generation != _generation)
            {
                result = new(transition.Kind, TransitionOutcome.Superseded, error);
            }
            else
            {
                _current = null;
                var now = _time.GetTimestamp();
                var next = (transition.Kind, error is null) switch
                {
                    (TransitionKind.Pause, true) => LifecycleState.Paused,
                    (TransitionKind.Pause, false) => LifecycleState.Running,
                    (TransitionKind.Resume, true) => LifecycleState.Running,
                    (TransitionKind.Resume, false) => LifecycleState.Paused,
                    (TransitionKind.Start, true) => LifecycleState.Running,
                    (TransitionKind.Start, false) => LifecycleState.Stopped,
                    (_, true) => LifecycleState.Stopped,
                    (_, false) => LifecycleState.Paused,
                };
                if (next == LifecycleState.Paused)
                {
                    // After a pause, or a failed stop (the idler retries once stop-after has passed again).
                    _pausedAtTimestamp = now;
                }
                else if (next == LifecycleState.Running)
                {
                    // Woken, or a failed pause: either way the idle clock starts over.
                    Volatile.Write(ref _lastUseTimestamp, now);
                }

                restart = ApplyTransitionToReplicasLocked(transition, destination, error is null);

                Interlocked.Exchange(ref _state, (int)next);
                result = new(transition.Kind, error is null ? TransitionOutcome.Succeeded : TransitionOutcome.Failed, error);
            }
        }

        if (result.Outcome == TransitionOutcome.Succeeded)
        {
            Log.TransitionSucceeded(_logger, Key, transition.Kind, elapsed.TotalMilliseconds);
        }
        else if (result.Outcome == TransitionOutcome.Failed && transition.Token.IsCancellationRequested)
        {
            Log.TransitionTimedOut(_logger, Key, transition.Kind, elapsed.TotalMilliseconds);
        }

        transition.Complete(result);
        if (restart is { Count: > 0 })
        {
            RaiseRestarts(restart);
        }
    }
}
