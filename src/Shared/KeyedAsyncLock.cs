namespace FaasD.Shared;

/// <summary>
/// One async mutex per key, created on first use and dropped when nobody holds or waits for it:
/// work on the same key is serialised, work on different keys runs in parallel, and the map never grows
/// without bound. Shared as source (linked like AtomicFile.cs) by every layer that serialises per id:
/// network attachments, image pulls, function management.
/// </summary>
internal sealed class KeyedAsyncLock<TKey>(IEqualityComparer<TKey>? comparer = null)
    where TKey : notnull
{
    private readonly Dictionary<TKey, Entry> _entries = new(comparer);

    public async Task<IDisposable> AcquireAsync(TKey key, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_entries)
        {
            if (!_entries.TryGetValue(key, out entry!))
            {
                entry = new Entry();
                _entries.Add(key, entry);
            }

            entry.Users++;
        }

        try
        {
            await entry.Semaphore.WaitAsync(cancellationToken);
        }
        catch
        {
            Release(key, entry, held: false);
            throw;
        }

        return new Holder(this, key, entry);
    }

    /// <summary>Keys currently held or awaited; for tests.</summary>
    internal int Count
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count;
            }
        }
    }

    private void Release(TKey key, Entry entry, bool held)
    {
        lock (_entries)
        {
            if (held)
            {
                entry.Semaphore.Release();
            }

            if (--entry.Users == 0)
            {
                _entries.Remove(key);
                entry.Semaphore.Dispose();
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }
    }

    private sealed class Holder(KeyedAsyncLock<TKey> owner, TKey key, Entry entry) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release(key, entry, held: true);
            }
        }
    }
}
