namespace FaasD.Watchdog.Health;

/// <summary><c>max_inflight</c>: a counter, not a queue, because excess requests are refused (429), never held.</summary>
internal sealed class InflightLimiter(int maxInflight)
{
    private int _inflight;

    public int MaxInflight { get; } = maxInflight;

    public bool IsAtCapacity => MaxInflight > 0 && Volatile.Read(ref _inflight) >= MaxInflight;

    public bool TryEnter()
    {
        if (MaxInflight == 0)
        {
            return true;
        }

        if (Interlocked.Increment(ref _inflight) <= MaxInflight)
        {
            return true;
        }

        Interlocked.Decrement(ref _inflight);
        return false;
    }

    public void Exit()
    {
        if (MaxInflight > 0)
        {
            Interlocked.Decrement(ref _inflight);
        }
    }
}
