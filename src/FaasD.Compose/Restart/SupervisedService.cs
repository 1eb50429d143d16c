namespace FaasD.Compose.Restart;

/// <summary>One service's restart bookkeeping; at most one recovery runs at a time.</summary>
internal sealed class SupervisedService(ServiceDefinition definition, RestartBackoff backoff, DateTimeOffset startedAt)
{
    private readonly Lock _gate = new();
    private Task _recovery = Task.CompletedTask;
    private Func<Task>? _deferred;
    private TimeSpan? _pendingDelay;

    public ServiceDefinition Definition { get; } = definition;
    public RestartBackoff Backoff { get; } = backoff;
    public DateTimeOffset StartedAt { get; set; } = startedAt;
    public int Restarts { get; set; }
    /// <summary>Read by other threads (status, tests) while the recovery sets it: a nullable struct can tear, so it is locked.</summary>
    public TimeSpan? PendingDelay
    {
        get
        {
            lock (_gate)
            {
                return _pendingDelay;
            }
        }

        set
        {
            lock (_gate)
            {
                _pendingDelay = value;
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="recover"/> now, or right after the recovery under way: an exit arriving then may
    /// be the fresh task dying at once, which must not be lost (the deferred run checks the task first).
    /// </summary>
    public void StartRecovery(Func<Task> recover)
    {
        lock (_gate)
        {
            if (_recovery.IsCompleted)
            {
                _recovery = RunAsync(recover);
            }
            else
            {
                _deferred = recover;
            }
        }
    }

    private async Task RunAsync(Func<Task> recover)
    {
        await Task.Yield();
        while (true)
        {
            try
            {
                await recover();
            }
            catch (OperationCanceledException)
            {
                return; // shutting down
            }

            lock (_gate)
            {
                if (_deferred is null)
                {
                    return;
                }

                recover = _deferred;
                _deferred = null;
            }
        }
    }
}
