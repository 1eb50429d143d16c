namespace FaasD.Runtime;

/// <summary>How containers are made; the same for every containerd namespace.</summary>
public sealed class RuntimeOptions
{
    /// <summary>containerd snapshotter that unpacks images and holds each container's writable layer.</summary>
    public string Snapshotter { get; set; } = "overlayfs";

    /// <summary>containerd runtime (shim) that runs tasks.</summary>
    public string Runtime { get; set; } = "io.containerd.runc.v2";

    /// <summary>Directory of per-container log files, as <c>&lt;LogDirectory&gt;/&lt;namespace&gt;/&lt;id&gt;.log</c>.</summary>
    public string LogDirectory { get; set; } = "/var/lib/faasd/logs";

    /// <summary>Root-only directory of the per-container copies of user-owned mounts (secrets), see <see cref="BindMount.OwnedByProcessUser"/>.</summary>
    public string OwnedCopiesDirectory { get; set; } = "/var/lib/faasd/secrets/.containers";

    /// <summary>
    /// Cgroup under which every container gets <c>&lt;parent&gt;/&lt;namespace&gt;/&lt;id&gt;</c>. We choose the path
    /// (rather than leaving it to the shim) so the freezer can be found without asking containerd.
    /// </summary>
    public string CgroupParent { get; set; } = "/faasd";

    /// <summary>Root of the cgroup filesystem; tests point it elsewhere.</summary>
    public string CgroupRoot { get; set; } = "/sys/fs/cgroup";

    /// <summary>CFS period used to turn a millicore limit into a quota.</summary>
    public ulong CpuPeriodMicroseconds { get; set; } = 100_000;

    /// <summary>RLIMIT_NOFILE of the function's processes (containerd's default is 1024).</summary>
    public ulong OpenFilesLimit { get; set; } = 1024;

    /// <summary>How long a freeze may take to settle before the pause is reported as failed.</summary>
    public TimeSpan FreezeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Time to wait for a task to die after SIGKILL before giving up on the stop.</summary>
    public TimeSpan KillTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
