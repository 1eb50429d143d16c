namespace FaasD.Runtime.Cgroups;

/// <summary>Creates the cgroup usage reader; the host registers it as <see cref="IContainerUsage"/>.</summary>
public static class CgroupUsage
{
    public static IContainerUsage Create(RuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new CgroupUsageReader(new CgroupHost(options), options);
    }
}
