namespace FaasD.Functions.Waking;

/// <summary>Sleep decisions: the idler's periodic check and manual scaling.</summary>
internal sealed partial class FunctionHandle
{
    /// <summary>
    /// The idler's check at <paramref name="nowTimestamp"/> (a <see cref="TimeProvider"/> timestamp): pauses a
    /// Running function with scale to zero enabled, no request in flight and no use for its idle duration; stops a
    /// Paused one (however it got paused) frozen longer than its stop-after. Returns the runtime call begun, or null.
    /// </summary>
    internal Task? TryBeginIdleWork(long nowTimestamp)
    {
        var settings = Settings;
        Transition? launch = null;
        lock (_gate)
        {
            var state = State;
            if (state == LifecycleState.Running
                && settings.Enabled
                && _inflight.Count == 0
                && _time.GetElapsedTime(Volatile.Read(ref _lastUseTimestamp), nowTimestamp) >= settings.IdleDuration)
            {
                launch = TryBeginPauseLocked();
            }
            else if (state == LifecycleState.Paused
                && settings.StopAfter is { } stopAfter
                && _time.GetElapsedTime(_pausedAtTimestamp, nowTimestamp) >= stopAfter)
            {
                launch = BeginLocked(TransitionKind.Stop);
            }
        }

        if (launch is null)
        {
            return null;
        }

        Launch(launch);
        return launch.Finished;
    }

    /// <summary>
    /// Manual scale to zero: freezes every awake replica now (a thaw under way is waited out first). A function with requests in flight is not frozen under them: this waits
    /// (up to <see cref="ScaleToZeroOptions.DrainTimeout"/>) until none is in flight, then pauses; if they never
    /// drain it throws Timeout and the function keeps serving. Already Paused or Stopped is a no-op; a wake in
    /// progress is waited out first. Throws NotFound when removed, Unavailable when the pause fails. The next request
    /// wakes the function as usual.
    /// </summary>
    public async Task ScaleToZeroAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            Transition? launch = null;
            Task wait;
            lock (_gate)
            {
                switch (State)
                {
                    case LifecycleState.Paused or LifecycleState.Stopped:
                        return;
                    case LifecycleState.Removed:
                        throw new FunctionPlatformException(FunctionErrorKind.NotFound, $"{Key} not found");
                    case LifecycleState.Running:
                        launch = TryBeginPauseLocked();
                        wait = launch?.Outcome ?? (_thawing > 0 ? ArmThawsIdleLocked() : _inflight.WhenIdleAsync());
                        break;
                    default:
                        wait = _current!.Outcome;
                        break;
                }
            }

            if (launch is not null)
            {
                Launch(launch);
            }

            var remaining = _options.DrainTimeout - _time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                throw DrainTimedOut();
            }

            try
            {
                await wait.WaitAsync(remaining, _time, cancellationToken);
            }
            catch (TimeoutException)
            {
                throw DrainTimedOut();
            }

            if (launch is not null && await launch.Outcome is { Outcome: TransitionOutcome.Failed } failed)
            {
                throw new FunctionPlatformException(FunctionErrorKind.Unavailable, $"{Key} could not be paused: {failed.Error}");
            }
        }
    }

    private FunctionPlatformException DrainTimedOut() => new(
        FunctionErrorKind.Timeout,
        $"{Key} still had {InFlight} request(s) in flight after {GoDuration.Format(_options.DrainTimeout)}; not scaled to zero");

    /// <summary>Manual scale up: resumes or starts the function now and returns once it serves.</summary>
    public async Task ScaleUpAsync(CancellationToken cancellationToken)
    {
        var wake = await WaitUntilRunningAsync(_time.GetTimestamp(), cancellationToken);
        switch (wake.Status)
        {
            case EndpointStatus.Ready:
                // Counts as use, so the idler does not put it straight back to sleep.
                Volatile.Write(ref _lastUseTimestamp, _time.GetTimestamp());
                return;
            case EndpointStatus.NotFound:
                throw new FunctionPlatformException(FunctionErrorKind.NotFound, wake.Reason ?? $"{Key} not found");
            case EndpointStatus.Timeout:
                throw new FunctionPlatformException(FunctionErrorKind.Timeout, wake.Reason ?? $"{Key} did not wake in time");
            default:
                throw new FunctionPlatformException(FunctionErrorKind.Unavailable, wake.Reason ?? $"{Key} could not be woken");
        }
    }
}
