namespace FaasD.Functions.Replicas;

/// <summary>
/// Least in-flight requests wins; among equals the one after the rotating cursor, so sequential requests (all
/// ties at zero) go round-robin. Lock-free: one Interlocked increment and a scan of a small immutable array.
/// </summary>
internal static class ReplicaPicker
{
    public static Replica? Pick(Replica[] routable, ref int cursor)
    {
        var count = routable.Length;
        if (count == 0)
        {
            return null;
        }

        if (count == 1)
        {
            return routable[0];
        }

        var start = (int)((uint)Interlocked.Increment(ref cursor) % (uint)count);
        var best = routable[start];
        var bestLoad = best.InFlight;
        for (var i = 1; i < count && bestLoad > 0; i++)
        {
            var candidate = routable[(start + i) % count];
            var load = candidate.InFlight;
            if (load < bestLoad)
            {
                best = candidate;
                bestLoad = load;
            }
        }

        return best;
    }
}
