namespace FaasD.Functions.Autoscaling;

/// <summary>
/// CPU time used by a replica's task, from its cgroup: cgroup v1 <c>cpuacct.usage</c> (nanoseconds) or v2
/// <c>cpu.stat</c> <c>usage_usec</c>. The runtime puts every task under <c>faasd/&lt;namespace&gt;/&lt;container&gt;</c>.
/// </summary>
internal static class CpuUsage
{
    private const string Root = "/sys/fs/cgroup";

    /// <summary>Total CPU time of the container's task so far, or null when its cgroup cannot be read.</summary>
    public static TimeSpan? Read(string @namespace, string containerId)
    {
        var path = $"faasd/{@namespace}/{containerId}";
        try
        {
            var v1 = Path.Combine(Root, "cpuacct", path, "cpuacct.usage");
            if (File.Exists(v1) && long.TryParse(File.ReadAllText(v1).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var nanoseconds))
            {
                return TimeSpan.FromTicks(nanoseconds / 100);
            }

            var v2 = Path.Combine(Root, path, "cpu.stat");
            if (File.Exists(v2))
            {
                foreach (var line in File.ReadLines(v2))
                {
                    if (line.StartsWith("usage_usec ", StringComparison.Ordinal)
                        && long.TryParse(line.AsSpan(11), NumberStyles.None, CultureInfo.InvariantCulture, out var microseconds))
                    {
                        return TimeSpan.FromTicks(microseconds * 10);
                    }
                }
            }
        }
        catch (IOException)
        {
            // The task ended between listing and reading.
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }
}
