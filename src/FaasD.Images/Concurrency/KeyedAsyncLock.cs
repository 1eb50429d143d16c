namespace FaasD.Images.Concurrency;

/// <summary>
/// One async mutex per key, created on demand and dropped when nobody holds or waits for it. Pulls of the same
/// image run one after another, so the second finds everything stored instead of racing the first for the
/// same ingests and snapshots.
/// </summary>
internal sealed class KeyedAsyncLock
{
    private readonly Dictionary<string, (SemaphoreSlim Gate, int Users)> _gates = new(StringComparer.Ordinal);

    public async Task<IDisposable> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        SemaphoreSlim gate;
        lock (_gates)
        {
            var entry = _gates.TryGetValue(key, out var existing) ? existing : (new SemaphoreSlim(1, 1), 0);
            gate = entry.Item1;
            _gates[key] = (gate, entry.Item2 + 1);
        }

        try
        {
            await gate.WaitAsync(cancellationToken);
        }
        catch
        {
            Release(key, gate, held: false);
            throw;
        }

        return new Holder(this, key, gate);
    }

    private void Release(string key, SemaphoreSlim gate, bool held)
    {
        if (held)
        {
            gate.Release();
        }

        lock (_gates)
        {
            var users = _gates[key].Users - 1;
            if (users == 0)
            {
                _gates.Remove(key);
                gate.Dispose();
            }
            else
            {
                _gates[key] = (gate, users);
            }
        }
    }

    private sealed class Holder(KeyedAsyncLock owner, string key, SemaphoreSlim gate) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release(key, gate, held: true);
            }
        }
    }
}
