namespace FaasD.Runtime.Oci;

/// <summary>The hardening and filesystem defaults containerd gives every Linux container, so ours match.</summary>
internal static class OciDefaults
{
    public const string DefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>
    /// Read by containerd's runc v2 shim when it starts: tasks whose bundles name the same group (in one containerd
    /// namespace) are served by one shim process, the way Kubernetes runs a pod's containers.
    /// </summary>
    public const string ShimGroupAnnotation = "io.containerd.runc.v2.group";

    public static readonly IReadOnlyList<string> Capabilities =
    [
        "CAP_CHOWN",
        "CAP_DAC_OVERRIDE",
        "CAP_FSETID",
        "CAP_FOWNER",
        "CAP_MKNOD",
        "CAP_NET_RAW",
        "CAP_SETGID",
        "CAP_SETUID",
        "CAP_SETFCAP",
        "CAP_SETPCAP",
        "CAP_NET_BIND_SERVICE",
        "CAP_SYS_CHROOT",
        "CAP_KILL",
        "CAP_AUDIT_WRITE",
    ];

    public static readonly IReadOnlyList<string> MaskedPaths =
    [
        "/proc/acpi",
        "/proc/asound",
        "/proc/kcore",
        "/proc/keys",
        "/proc/latency_stats",
        "/proc/timer_list",
        "/proc/timer_stats",
        "/proc/sched_debug",
        "/proc/scsi",
        "/sys/firmware",
        "/sys/devices/virtual/powercap",
    ];

    public static readonly IReadOnlyList<string> ReadonlyPaths =
    [
        "/proc/bus",
        "/proc/fs",
        "/proc/irq",
        "/proc/sys",
        "/proc/sysrq-trigger",
    ];

    public static readonly IReadOnlyList<OciMount> Mounts =
    [
        new("/proc", "proc", "proc", ["nosuid", "noexec", "nodev"]),
        new("/dev", "tmpfs", "tmpfs", ["nosuid", "strictatime", "mode=755", "size=65536k"]),
        new("/dev/pts", "devpts", "devpts", ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]),
        new("/dev/shm", "tmpfs", "shm", ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]),
        new("/dev/mqueue", "mqueue", "mqueue", ["nosuid", "noexec", "nodev"]),
        new("/sys", "sysfs", "sysfs", ["nosuid", "noexec", "nodev", "ro"]),
        new("/sys/fs/cgroup", "cgroup", "cgroup", ["nosuid", "noexec", "nodev", "relatime", "ro"]),
        new("/run", "tmpfs", "tmpfs", ["nosuid", "strictatime", "mode=755", "size=65536k"]),
    ];

    /// <summary>
    /// Writable scratch space for read-only-root functions: most runtimes and the watchdog expect a
    /// writable /tmp, and OpenFaaS on Kubernetes gives one for the same reason.
    /// </summary>
    public static readonly OciMount WritableTmp =
        new("/tmp", "tmpfs", "tmpfs", ["nosuid", "nodev", "mode=1777", "size=65536k"]);

    /// <summary>Deny every device; runc then allows its standard set (null, zero, full, random, urandom, tty, ptmx).</summary>
    public static readonly IReadOnlyList<OciDeviceRule> DeviceRules = [new(Allow: false, Access: "rwm")];

    public static readonly IReadOnlyList<string> NamespacesWithoutNetwork = ["pid", "ipc", "uts", "mount"];
}
