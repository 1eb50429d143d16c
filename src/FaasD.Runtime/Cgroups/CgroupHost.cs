namespace FaasD.Runtime.Cgroups;

/// <summary>This host's cgroup layout and usable controllers, probed once: neither changes while the daemon runs.</summary>
/// <param name="mountinfoPath">Where mounts are listed; tests describe a fake cgroup filesystem there.</param>
internal sealed class CgroupHost(RuntimeOptions options, string mountinfoPath = "/proc/self/mountinfo")
{
    private readonly Lock _gate = new();
    private Task<CgroupHostInfo>? _probe;

    public Task<CgroupHostInfo> GetAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // A failed or cancelled probe is not cached, so the next caller tries again.
            if (_probe is null || _probe.IsFaulted || _probe.IsCanceled)
            {
                _probe = ProbeAsync(mountinfoPath, options.CgroupRoot, cancellationToken);
            }

            return _probe;
        }
    }

    private static async Task<CgroupHostInfo> ProbeAsync(string mountinfoPath, string root, CancellationToken cancellationToken)
    {
        var mountinfo = await File.ReadAllTextAsync(mountinfoPath, cancellationToken);
        var layout = CgroupLayout.Parse(mountinfo, root);
        if (layout.Version == CgroupVersion.V1)
        {
            return new CgroupHostInfo(layout, layout.V1Controllers());
        }

        // runc enables, level by level, what the root offers; so the root's list is what a container can get.
        var controllersFile = Path.Combine(layout.Root, "cgroup.controllers");
        var content = File.Exists(controllersFile) ? await File.ReadAllTextAsync(controllersFile, cancellationToken) : "";
        return new CgroupHostInfo(layout, CgroupLayout.ParseV2Controllers(content));
    }
}

internal sealed record CgroupHostInfo(CgroupLayout Layout, CgroupControllers Controllers);
