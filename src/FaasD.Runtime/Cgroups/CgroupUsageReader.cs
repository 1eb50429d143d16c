using System.Globalization;
using FaasD.Runtime.Lifecycle;

namespace FaasD.Runtime.Cgroups;

/// <summary>
/// CPU and memory of a container from the cgroup we placed it in (see <see cref="ContainerNames.CgroupsPath"/>).
/// v1: <c>cpuacct.usage</c> (ns) and <c>memory.usage_in_bytes</c> − <c>total_inactive_file</c>;
/// v2: <c>cpu.stat</c> <c>usage_usec</c> and <c>memory.current</c> − <c>inactive_file</c>.
/// </summary>
internal sealed class CgroupUsageReader(CgroupHost host, RuntimeOptions options) : IContainerUsage
{
    public async Task<ContainerUsage?> GetUsageAsync(string @namespace, string id, CancellationToken cancellationToken)
    {
        ContainerNames.Validate(@namespace, id);
        var info = await host.GetAsync(cancellationToken);
        var relative = ContainerNames.CgroupsPath(options.CgroupParent, @namespace, id).TrimStart('/');
        try
        {
            return info.Layout.Version == CgroupVersion.V2
                ? await ReadV2Async(Path.Combine(info.Layout.Root, relative), cancellationToken)
                : await ReadV1Async(info.Layout, relative, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // No task, so no cgroup: nothing is being used.
            return null;
        }
    }

    private static async Task<ContainerUsage?> ReadV1Async(CgroupLayout layout, string relative, CancellationToken cancellationToken)
    {
        var cpuacct = layout.V1HierarchyOf("cpuacct");
        var memory = layout.V1HierarchyOf("memory");
        if (cpuacct is null || memory is null)
        {
            return null;
        }

        var nanoseconds = ParseNumber(await File.ReadAllTextAsync(Path.Combine(cpuacct, relative, "cpuacct.usage"), cancellationToken));
        var used = ParseNumber(await File.ReadAllTextAsync(Path.Combine(memory, relative, "memory.usage_in_bytes"), cancellationToken));
        var stat = await File.ReadAllTextAsync(Path.Combine(memory, relative, "memory.stat"), cancellationToken);
        return new ContainerUsage(nanoseconds / 1e9, WorkingSet(used, StatValue(stat, "total_inactive_file")));
    }

    private static async Task<ContainerUsage?> ReadV2Async(string directory, CancellationToken cancellationToken)
    {
        var cpuStat = await File.ReadAllTextAsync(Path.Combine(directory, "cpu.stat"), cancellationToken);
        var used = ParseNumber(await File.ReadAllTextAsync(Path.Combine(directory, "memory.current"), cancellationToken));
        var stat = await File.ReadAllTextAsync(Path.Combine(directory, "memory.stat"), cancellationToken);
        return new ContainerUsage(StatValue(cpuStat, "usage_usec") / 1e6, WorkingSet(used, StatValue(stat, "inactive_file")));
    }

    /// <summary>Working set never goes below zero (usage is sampled a moment before the stat file).</summary>
    internal static long WorkingSet(long used, long inactiveFile) => Math.Max(0, used - inactiveFile);

    /// <summary>The value of <paramref name="key"/> in a "key value" per line file (memory.stat, cpu.stat); 0 when absent.</summary>
    internal static long StatValue(string content, string key)
    {
        foreach (var line in content.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && line.AsSpan(0, space).SequenceEqual(key))
            {
                return ParseNumber(line[(space + 1)..]);
            }
        }

        return 0;
    }

    internal static long ParseNumber(string text) => long.Parse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
}
