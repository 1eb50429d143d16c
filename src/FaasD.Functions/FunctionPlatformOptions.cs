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
    /// Function tasks of a namespace share this many containerd shim processes, each function always the same one
    /// (0: a shim per task). A shim of its own costs a task ≈ 3 MB (PSS), and a cold start whose shim is already up
    /// skips the shim's start. Not one shim for all: a shim handles its tasks' exits one at a time, and a removal of
    /// 100 functions at once outran that (SIGKILLed tasks reported after more than 10 s). Applies to containers
    /// created from now on.
    /// </summary>
    public int SharedShims { get; init; } = 8;

    /// <summary>Cold starts run in parallel at start-up (after a reboot every task is gone).</summary>
    public int RecoveryParallelism { get; init; } = 4;
}
