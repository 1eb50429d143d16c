using System.Globalization;

namespace FaasD.Bench;

/// <summary>Memory and process facts read from /proc and the cgroup filesystem.</summary>
internal static class SystemProbe
{
    private static readonly string[] CgroupRoots = ["/sys/fs/cgroup/freezer/faasd", "/sys/fs/cgroup/faasd"];

    /// <summary>A <c>/proc/&lt;pid&gt;/status</c> field in kB (VmRSS, VmHWM …); 0 when the process is gone.</summary>
    public static long StatusKb(int pid, string field) => ReadKb($"/proc/{pid}/status", field);

    /// <summary>Proportional set size: shared pages divided among the processes sharing them.</summary>
    public static long PssKb(int pid) => ReadKb($"/proc/{pid}/smaps_rollup", "Pss");

    public static long MemAvailableKb() => ReadKb("/proc/meminfo", "MemAvailable");

    /// <summary>The function's task cgroup with its processes, or null when it has no task.</summary>
    public static string? TaskCgroup(string name)
    {
        foreach (var root in CgroupRoots)
        {
            var dir = Path.Combine(root, BenchDaemon.Namespace, name);
            if (Directory.Exists(dir) && Pids(dir).Count > 0)
            {
                return dir;
            }
        }

        return null;
    }

    public static IReadOnlyList<int> TaskPids(string name) => TaskCgroup(name) is { } dir ? Pids(dir) : [];

    public static bool IsFrozen(string name)
    {
        if (TaskCgroup(name) is not { } dir)
        {
            return false;
        }

        var v1 = Path.Combine(dir, "freezer.state");
        return File.Exists(v1)
            ? Read(v1)?.Trim() == "FROZEN"
            : Read(Path.Combine(dir, "cgroup.events"))?.Contains("frozen 1", StringComparison.Ordinal) == true;
    }

    /// <summary>
    /// The containerd shim processes serving the given task processes: each task's processes are children of its
    /// shim, whether every task has a shim of its own or one shim serves a group of them (--shared-shim).
    /// </summary>
    public static IReadOnlyList<int> ShimPids(IEnumerable<int> taskPids)
    {
        var shims = new HashSet<int>();
        foreach (var pid in taskPids)
        {
            var status = Read($"/proc/{pid}/status");
            var ppid = status?.Split('\n').FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal)) is { } line
                && int.TryParse(line[5..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var parent) ? parent : 0;
            if (ppid > 0 && Read($"/proc/{ppid}/comm")?.StartsWith("containerd-shim", StringComparison.Ordinal) == true)
            {
                shims.Add(ppid);
            }
        }

        return [.. shims];
    }

    private static List<int> Pids(string cgroupDir) =>
        (Read(Path.Combine(cgroupDir, "cgroup.procs")) ?? string.Empty)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => int.Parse(p, CultureInfo.InvariantCulture))
            .ToList();

    private static long ReadKb(string path, string field)
    {
        var text = Read(path);
        if (text is null)
        {
            return 0;
        }

        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                var value = line[(field.Length + 1)..].Trim().Split(' ')[0];
                return long.Parse(value, CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
