using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace FaasD.Network.Pool;

/// <summary>
/// Keeps <see cref="NetworkOptions.PoolSize"/> namespaces attached ahead of need. One background loop owns every slow
/// step (recovery at start, CNI ADD to refill, CNI DEL of discarded entries), so taking an entry is a lock-free dequeue
/// and the caller never waits for a plugin. Entries are only ever in one place: the ready queue, the discard queue, or
/// handed to exactly one taker.
/// </summary>
internal sealed partial class NetnsPool
{
    private readonly IPooledAttachments _attachments;
    private readonly NetworkOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentQueue<string> _ready = new();
    private readonly ConcurrentQueue<string> _discarded = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;
    private volatile bool _recovered;
    private long _lastTake;

    public NetnsPool(IPooledAttachments attachments, NetworkOptions options, ILogger logger, TimeProvider time)
    {
        _attachments = attachments;
        _options = options;
        _logger = logger;
        _time = time;
        IdPrefix = NetworkIds.Validate(options.PoolIdPrefix);
    }

    public string IdPrefix { get; }

    public int Size => Math.Max(0, _options.PoolSize);

    /// <summary>Entries ready to be taken right now.</summary>
    public int ReadyCount => _ready.Count;

    /// <summary>True once recovery has run and the loop has filled the pool up to its size at least once.</summary>
    public bool IsFilled { get; private set; }

    public bool TryTake(out string poolId)
    {
        if (_ready.TryDequeue(out poolId!))
        {
            Volatile.Write(ref _lastTake, _time.GetTimestamp());
            Signal();
            return true;
        }

        return false;
    }

    /// <summary>An entry taken but not usable (stale, other config, failed hand-over): the loop releases it.</summary>
    public void Discard(string poolId)
    {
        _discarded.Enqueue(poolId);
        Signal();
    }

    /// <summary>Starts the background loop: recovery first, then refills. Returns at once.</summary>
    public void Start()
    {
        if (_loop is null)
        {
            _loop = Task.Run(() => RunAsync(_stopping.Token));
        }
    }

    /// <summary>Stops refilling and releases every entry not handed out; a crash instead leaves them to the next recovery.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_loop is null)
        {
            return;
        }

        await _stopping.CancelAsync();
        await _loop;

        if (!_recovered)
        {
            // Stopped before recovery finished (a start and stop within moments): what the last run left is still
            // only on disk. Release it now instead of leaving it to a next start with this state directory, which
            // may never come.
            await RecoverForReleaseAsync(cancellationToken);
        }

        var released = 0;
        while (_ready.TryDequeue(out var poolId) || _discarded.TryDequeue(out poolId))
        {
            await ReleaseQuietlyAsync(poolId, cancellationToken);
            released++;
        }

        LogStopped(released);
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            await RecoverAsync(stopping);
            while (!stopping.IsCancellationRequested)
            {
                await ReleaseDiscardedAsync(stopping);
                await RefillAsync(stopping);
                await _wake.WaitAsync(stopping);
                await QuietAfterTakesAsync(stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task RecoverAsync(CancellationToken stopping)
    {
        while (true)
        {
            try
            {
                var recovered = await _attachments.RecoverAsync(IdPrefix, stopping);
                foreach (var poolId in recovered)
                {
                    if (_ready.Count < Size)
                    {
                        _ready.Enqueue(poolId);
                    }
                    else
                    {
                        _discarded.Enqueue(poolId);
                    }
                }

                _recovered = true;
                LogRecovered(recovered.Count, IdPrefix);
                return;
            }
            catch (Exception e) when (e is NetworkException or IOException)
            {
                LogRecoveryFailed(e, _options.PoolRetryDelay);
                await Task.Delay(_options.PoolRetryDelay, _time, stopping);
            }
        }
    }

    private async Task RecoverForReleaseAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var poolId in await _attachments.RecoverAsync(IdPrefix, cancellationToken))
            {
                _discarded.Enqueue(poolId);
            }
        }
        catch (Exception e) when (e is NetworkException or IOException or OperationCanceledException)
        {
            // The records stay; a next start with this state directory recovers them.
            LogRecoveryFailed(e, TimeSpan.Zero);
        }
    }

    private async Task ReleaseDiscardedAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested && _discarded.TryDequeue(out var poolId))
        {
            await ReleaseQuietlyAsync(poolId, stopping);
        }
    }

    /// <summary>Waits until no entry has been taken for <see cref="NetworkOptions.PoolRefillDelay"/>.</summary>
    private async Task QuietAfterTakesAsync(CancellationToken stopping)
    {
        var quiet = _options.PoolRefillDelay;
        while (true)
        {
            var since = _time.GetElapsedTime(Volatile.Read(ref _lastTake));
            if (since >= quiet)
            {
                return;
            }

            await Task.Delay(quiet - since, _time, stopping);
        }
    }

    private async Task RefillAsync(CancellationToken stopping)
    {
        while (_ready.Count < Size)
        {
            var poolId = $"{IdPrefix}-{RandomNumberGenerator.GetHexString(8, lowercase: true)}";
            try
            {
                await _attachments.CreateAsync(poolId, stopping);
                _ready.Enqueue(poolId);
                LogAdded(poolId, _ready.Count, Size);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // Stopped in the middle of an attach: whatever of it was made is released with the other entries.
                _discarded.Enqueue(poolId);
                throw;
            }
            catch (Exception e) when (e is NetworkException or IOException)
            {
                // The attach rolled itself back; nothing of it is left to track.
                LogRefillFailed(e, _options.PoolRetryDelay);
                await Task.Delay(_options.PoolRetryDelay, _time, stopping);
            }
        }

        IsFilled = true;
    }

    private async Task ReleaseQuietlyAsync(string poolId, CancellationToken cancellationToken)
    {
        try
        {
            await _attachments.ReleaseAsync(poolId, cancellationToken);
            LogReleased(poolId);
        }
        catch (Exception e) when (e is NetworkException or IOException or OperationCanceledException)
        {
            // Its record stays, so the next start's recovery releases it.
            LogReleaseFailed(e, poolId);
        }
    }

    private void Signal()
    {
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }
}
