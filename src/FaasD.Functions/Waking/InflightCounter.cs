namespace FaasD.Functions.Waking;

/// <summary>
/// Requests in flight on a function or one of its replicas, and the signal a drain waits on. Lock-free for the hot
/// path: a request enters before it reads its owner's state, and a drain publishes its state before it waits here,
/// so one of the two always sees the other.
/// </summary>
internal sealed class InflightCounter
{
    private long _count;
    private TaskCompletionSource? _drained;

    public long Count => Interlocked.Read(ref _count);

    public void Enter() => Interlocked.Increment(ref _count);

    public void Leave()
    {
        if (Interlocked.Decrement(ref _count) == 0)
        {
            ReleaseWaiters();
        }
    }

    /// <summary>Completes when no request is in flight (at once if none is).</summary>
    public Task WhenIdleAsync()
    {
        var signal = Volatile.Read(ref _drained);
        if (signal is null || signal.Task.IsCompleted)
        {
            signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Interlocked.Exchange(ref _drained, signal);
        }

        // Re-check after publishing: a request that ended just before would not have seen the signal.
        if (Count == 0)
        {
            signal.TrySetResult();
        }

        return signal.Task;
    }

    /// <summary>Lets a drain that waits go on at once (its function was removed).</summary>
    public void ReleaseWaiters() => Volatile.Read(ref _drained)?.TrySetResult();
}
