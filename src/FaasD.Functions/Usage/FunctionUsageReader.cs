namespace FaasD.Functions.Usage;

/// <summary>
/// <see cref="IFunctionUsage"/> over the catalog (which container carries the function now) and the runtime's
/// cgroup reader. CPU as a rate needs two readings: each function keeps its previous one, and readings closer
/// than <see cref="MinRateInterval"/> reuse the last rate so a burst of list calls does not report noise.
/// </summary>
internal sealed class FunctionUsageReader(FunctionCatalog catalog, IContainerUsage containers, TimeProvider time) : IFunctionUsage
{
    internal static readonly TimeSpan MinRateInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<FunctionKey, Reading> _previous = new();

    public async Task<FunctionUsage?> GetUsageAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        var key = new FunctionKey(@namespace, name);
        if (!catalog.TryGet(key, out var function))
        {
            return null;
        }

        var usage = await containers.GetUsageAsync(@namespace, function.ContainerId, cancellationToken);
        if (usage is null)
        {
            return null;
        }

        var now = time.GetTimestamp();
        var millicores = 0.0;
        if (_previous.TryGetValue(key, out var previous) && previous.ContainerId == function.ContainerId)
        {
            var elapsed = time.GetElapsedTime(previous.Timestamp, now);
            if (elapsed < MinRateInterval)
            {
                return new FunctionUsage(usage.CpuSeconds, previous.Millicores, usage.MemoryWorkingSetBytes);
            }

            // A restarted task's counter starts again from zero: no rate across that reset.
            millicores = usage.CpuSeconds >= previous.CpuSeconds ? (usage.CpuSeconds - previous.CpuSeconds) / elapsed.TotalSeconds * 1000 : 0;
        }

        // One entry per function: an update's new container replaces the old one's reading.
        _previous[key] = new Reading(function.ContainerId, now, usage.CpuSeconds, millicores);
        return new FunctionUsage(usage.CpuSeconds, millicores, usage.MemoryWorkingSetBytes);
    }

    private readonly record struct Reading(string ContainerId, long Timestamp, double CpuSeconds, double Millicores);
}
