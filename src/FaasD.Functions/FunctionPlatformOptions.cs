namespace FaasD.Functions;

public sealed record FunctionPlatformOptions
{
    /// <summary>Bind-mounted as /etc/hosts into every function (service names of compose sidecars live here).</summary>
    public required string HostsFile { get; init; }

    /// <summary>Bind-mounted as /etc/resolv.conf into every function.</summary>
    public required string ResolvConfFile { get; init; }

    /// <summary>How long deploy and cold start wait for the function's port to accept.</summary>
    public TimeSpan ReadinessTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// SIGTERM-to-SIGKILL grace when a function is removed or replaced; also the longest a retiring replica's
    /// in-flight requests are waited for before it is stopped (drain by counting, no fixed pause).
    /// </summary>
    public TimeSpan StopGracePeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The watchdog's port inside every function.</summary>
    public int FunctionPort { get; init; } = 8080;

    /// <summary>
    /// Function tasks of a namespace share one containerd shim process (≈ 8 MB of RSS each otherwise, and a cold
    /// start then skips the shim's own start). Applies to containers created from now on.
    /// </summary>
    public bool SharedShim { get; init; } = true;

    /// <summary>Cold starts run in parallel at start-up (after a reboot every task is gone).</summary>
    public int RecoveryParallelism { get; init; } = 4;
}
