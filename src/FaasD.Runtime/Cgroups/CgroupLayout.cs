namespace FaasD.Runtime.Cgroups;

internal enum CgroupVersion
{
    /// <summary>Legacy or hybrid: controllers are v1 hierarchies (a controller-less v2 mount may sit beside them).</summary>
    V1,

    /// <summary>Unified: the cgroup root itself is cgroup2 and holds every controller.</summary>
    V2,
}

/// <summary>
/// Where the cgroup controllers are mounted on this host, read from /proc/self/mountinfo. runc makes
/// the same decision: unified mode exactly when the cgroup root is a cgroup2 mount; otherwise each
/// controller lives in its own v1 hierarchy.
/// </summary>
internal sealed class CgroupLayout
{
    private readonly IReadOnlyDictionary<string, string> _v1Hierarchies;

    private CgroupLayout(CgroupVersion version, string root, IReadOnlyDictionary<string, string> v1Hierarchies)
    {
        Version = version;
        Root = root;
        _v1Hierarchies = v1Hierarchies;
    }

    public CgroupVersion Version { get; }

    /// <summary>The cgroup filesystem root (on v2 the unified hierarchy).</summary>
    public string Root { get; }

    public static CgroupLayout Parse(string mountinfo, string root)
    {
        ArgumentNullException.ThrowIfNull(mountinfo);
        var normalisedRoot = root.TrimEnd('/');
        var unified = false;
        var hierarchies = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in mountinfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (MountinfoLine.TryParse(line) is not { } mount)
            {
                continue;
            }

            if (mount.FilesystemType == "cgroup2" && mount.MountPoint == normalisedRoot)
            {
                unified = true;
            }
            else if (mount.FilesystemType == "cgroup")
            {
                foreach (var option in mount.SuperOptions)
                {
                    // Super options mix controllers with flags such as rw or name=systemd; the first mount of a controller wins.
                    hierarchies.TryAdd(option, mount.MountPoint);
                }
            }
        }

        return new CgroupLayout(unified ? CgroupVersion.V2 : CgroupVersion.V1, normalisedRoot, hierarchies);
    }

    /// <summary>Directory of a v1 controller's hierarchy, or null when that controller is not mounted.</summary>
    public string? V1HierarchyOf(string controller) =>
        Version == CgroupVersion.V1 && _v1Hierarchies.TryGetValue(controller, out var mountPoint) ? mountPoint : null;

    /// <summary>Directory of <paramref name="cgroupsPath"/> in the hierarchy that holds the freezer, or null without a freezer.</summary>
    public string? FreezerDirectoryOf(string cgroupsPath)
    {
        var hierarchy = Version == CgroupVersion.V2 ? Root : V1HierarchyOf("freezer");
        return hierarchy is null ? null : hierarchy + "/" + cgroupsPath.TrimStart('/');
    }

    /// <summary>v1: which controllers are mounted. v2 needs the root's cgroup.controllers: see <see cref="CgroupHost"/>.</summary>
    public CgroupControllers V1Controllers()
    {
        var controllers = CgroupControllers.None;
        if (V1HierarchyOf("memory") is not null)
        {
            controllers |= CgroupControllers.Memory;
        }

        if (V1HierarchyOf("cpu") is not null)
        {
            controllers |= CgroupControllers.Cpu;
        }

        if (V1HierarchyOf("freezer") is not null)
        {
            controllers |= CgroupControllers.Freezer;
        }

        return controllers;
    }

    /// <summary>Parses a v2 <c>cgroup.controllers</c> file ("cpuset cpu io memory pids").</summary>
    public static CgroupControllers ParseV2Controllers(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        // The v2 freezer is part of the core (cgroup.freeze), not a controller listed here.
        var controllers = CgroupControllers.Freezer;
        foreach (var name in content.Split([' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            controllers |= name switch
            {
                "memory" => CgroupControllers.Memory,
                "cpu" => CgroupControllers.Cpu,
                _ => CgroupControllers.None,
            };
        }

        return controllers;
    }

    private sealed record MountinfoLine(string MountPoint, string FilesystemType, IReadOnlyList<string> SuperOptions)
    {
        // Format (proc(5)): id parent major:minor root mount-point options [optional fields...] - fstype source super-options
        public static MountinfoLine? TryParse(string line)
        {
            var separator = line.IndexOf(" - ", StringComparison.Ordinal);
            if (separator < 0)
            {
                return null;
            }

            var before = line[..separator].Split(' ');
            var after = line[(separator + 3)..].Split(' ');
            if (before.Length < 5 || after.Length < 3)
            {
                return null;
            }

            return new MountinfoLine(Unescape(before[4]), after[0], after[2].Split(','));
        }

        // mountinfo escapes space, tab, newline and backslash as octal (\040).
        private static string Unescape(string field) =>
            field.Contains('\\', StringComparison.Ordinal)
                ? System.Text.RegularExpressions.Regex.Replace(field, @"\\([0-7]{3})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString())
                : field;
    }
}
