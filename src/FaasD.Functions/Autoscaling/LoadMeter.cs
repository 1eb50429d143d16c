namespace FaasD.Functions.Autoscaling;

/// <summary>
/// One function's load between two autoscaler ticks: requests per second from the handle's served counter (every
/// call that got a replica, HTTP or in-process, async ones included), in-flight requests now, or CPU millicores
/// from the replicas' cgroups. Not thread-safe: the autoscaler's loop owns it.
/// </summary>
internal sealed class LoadMeter
{
    private long _lastServed = -1;
    private long _lastTimestamp;
    private TimeSpan _lastCpu;

    /// <summary>Recommendations of the stabilisation window, oldest first.</summary>
    public Queue<(long Timestamp, int Replicas)> Window { get; } = new();

    /// <summary>The load since the last call; null on the first call (no interval to measure yet).</summary>
    public double? Measure(FunctionHandle handle, ScaleType type, TimeProvider time)
    {
        var now = time.GetTimestamp();
        var served = handle.Served;
        var cpu = type == ScaleType.Cpu ? TotalCpu(handle) : TimeSpan.Zero;
        var first = _lastServed < 0;
        var seconds = first ? 0 : time.GetElapsedTime(_lastTimestamp, now).TotalSeconds;
        var previousServed = _lastServed;
        var previousCpu = _lastCpu;
        _lastServed = served;
        _lastTimestamp = now;
        _lastCpu = cpu;
        if (type == ScaleType.Capacity)
        {
            return handle.InFlight;
        }

        if (first || seconds <= 0)
        {
            return null;
        }

        return type == ScaleType.Rps
            ? (served - previousServed) / seconds
            : Math.Max(0, (cpu - previousCpu).TotalMilliseconds) / seconds;
    }

    private static TimeSpan TotalCpu(FunctionHandle handle)
    {
        var total = TimeSpan.Zero;
        foreach (var replica in handle.Replicas)
        {
            if (replica.State != ReplicaState.Out && CpuUsage.Read(handle.Key.Namespace, replica.ContainerId) is { } used)
            {
                total += used;
            }
        }

        return total;
    }
}
