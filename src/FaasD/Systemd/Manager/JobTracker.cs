namespace FaasD.Systemd.Manager;

/// <summary>
/// Matches systemd's JobRemoved signals to the jobs we wait for. A fast job can finish, and its signal arrive,
/// before the reply that names it has been read; so the signal is watched from before the job is queued and
/// every result seen is kept until it is asked for.
/// </summary>
internal sealed class JobTracker
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _finished = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskCompletionSource<string>> _waiting = new(StringComparer.Ordinal);
    private Exception? _broken;

    /// <summary>From the JobRemoved signal: (id, job path, unit, result).</summary>
    public void OnJobRemoved(string jobPath, string result)
    {
        TaskCompletionSource<string>? waiter;
        lock (_gate)
        {
            if (!_waiting.Remove(jobPath, out waiter))
            {
                _finished[jobPath] = result;
            }
        }

        waiter?.TrySetResult(result);
    }

    /// <summary>The connection went away: nothing more will arrive, so every waiter hears why.</summary>
    public void OnBroken(Exception reason)
    {
        List<TaskCompletionSource<string>> waiters;
        lock (_gate)
        {
            _broken ??= reason;
            waiters = [.. _waiting.Values];
            _waiting.Clear();
        }

        foreach (var waiter in waiters)
        {
            waiter.TrySetException(reason);
        }
    }

    /// <summary>Completes with the job's result once its JobRemoved signal has been seen (maybe already).</summary>
    public Task<string> WhenRemoved(string jobPath)
    {
        lock (_gate)
        {
            if (_finished.Remove(jobPath, out var result))
            {
                return Task.FromResult(result);
            }

            if (_broken is not null)
            {
                return Task.FromException<string>(_broken);
            }

            if (!_waiting.TryGetValue(jobPath, out var waiter))
            {
                waiter = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting.Add(jobPath, waiter);
            }

            return waiter.Task;
        }
    }

    /// <summary>A wait that gave up (timed out) is dropped; a late signal for its job is then kept like any other.</summary>
    public void Forget(string jobPath)
    {
        lock (_gate)
        {
            _waiting.Remove(jobPath);
        }
    }
}
