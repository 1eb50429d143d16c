namespace FaasD.Gateway.Metrics;

/// <summary>
/// A function's recent activity for the portal, without Prometheus: calls, errors and total latency per
/// <see cref="SlotLength"/> over the last <see cref="SlotCount"/> slots, and the latest
/// <see cref="SampleSize"/> latencies for a median. Writers never lock; a reader racing a slot rollover may see
/// one call in the wrong slot, which a chart does not show.
/// </summary>
internal sealed class RecentInvocations
{
    public const int SlotCount = 60;
    public const int SampleSize = 256;
    public static readonly TimeSpan SlotLength = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _time;
    private readonly Slot[] _slots = new Slot[SlotCount];
    private readonly double[] _samples = new double[SampleSize];
    private long _sampleCount;

    public RecentInvocations(TimeProvider time)
    {
        _time = time;
        for (var i = 0; i < SlotCount; i++)
        {
            _slots[i] = new Slot();
        }
    }

    public void Record(double seconds, bool isError)
    {
        var number = CurrentSlotNumber();
        var slot = _slots[number % SlotCount];
        var seen = Volatile.Read(ref slot.Number);
        if (seen != number && Interlocked.CompareExchange(ref slot.Number, number, seen) == seen)
        {
            // This writer moved the slot to a new interval: it starts from zero.
            Interlocked.Exchange(ref slot.Calls, 0);
            Interlocked.Exchange(ref slot.Errors, 0);
            Interlocked.Exchange(ref slot.MicrosecondsTotal, 0);
        }

        Interlocked.Increment(ref slot.Calls);
        if (isError)
        {
            Interlocked.Increment(ref slot.Errors);
        }

        Interlocked.Add(ref slot.MicrosecondsTotal, (long)(seconds * 1_000_000));
        var index = (Interlocked.Increment(ref _sampleCount) - 1) % SampleSize;
        Volatile.Write(ref _samples[index], seconds);
    }

    /// <summary>Median of the latest calls' latency in seconds, or null before the first call.</summary>
    public double? Median()
    {
        var count = (int)Math.Min(Volatile.Read(ref _sampleCount), SampleSize);
        if (count == 0)
        {
            return null;
        }

        var copy = new double[count];
        Array.Copy(_samples, copy, count);
        Array.Sort(copy);
        return count % 2 == 1 ? copy[count / 2] : (copy[(count / 2) - 1] + copy[count / 2]) / 2;
    }

    /// <summary>The last <see cref="SlotCount"/> intervals, oldest first; intervals without calls are zero.</summary>
    public IReadOnlyList<RecentSlot> Slots()
    {
        var now = CurrentSlotNumber();
        var result = new RecentSlot[SlotCount];
        for (var i = 0; i < SlotCount; i++)
        {
            var number = now - SlotCount + 1 + i;
            var slot = _slots[((number % SlotCount) + SlotCount) % SlotCount];
            var start = DateTimeOffset.FromUnixTimeMilliseconds(number * (long)SlotLength.TotalMilliseconds);
            result[i] = Volatile.Read(ref slot.Number) == number
                ? new RecentSlot(start, Volatile.Read(ref slot.Calls), Volatile.Read(ref slot.Errors), Volatile.Read(ref slot.MicrosecondsTotal) / 1_000_000.0)
                : new RecentSlot(start, 0, 0, 0);
        }

        return result;
    }

    private long CurrentSlotNumber() => _time.GetUtcNow().ToUnixTimeMilliseconds() / (long)SlotLength.TotalMilliseconds;

    private sealed class Slot
    {
        public long Number = -1;
        public long Calls;
        public long Errors;
        public long MicrosecondsTotal;
    }
}

/// <summary>One interval of <see cref="RecentInvocations"/>: calls, 5xx answers and summed latency.</summary>
internal readonly record struct RecentSlot(DateTimeOffset Start, long Calls, long Errors, double SecondsTotal);
