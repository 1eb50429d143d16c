namespace FaasD.Network;

/// <summary>Where the CNI configuration, plugins, namespaces and attachment records live.</summary>
public sealed class NetworkOptions
{
    /// <summary>The bridge network's conflist; when the file is missing the built-in <see cref="NetworkDefaults.ConfigList"/> is used.</summary>
    public string ConfigListPath { get; set; } = "/etc/cni/net.d/10-openfaas.conflist";

    /// <summary>A conflist given inline (tests, embedding); wins over <see cref="ConfigListPath"/> when set.</summary>
    public string? ConfigListJson { get; set; }

    /// <summary>Directories searched in order for plugin binaries, also passed to plugins as CNI_PATH.</summary>
    public IList<string> PluginDirectories { get; set; } = ["/opt/cni/bin", "/usr/lib/cni"];

    /// <summary>Where named network namespaces are bind-mounted; the default is the one <c>ip netns</c> uses.</summary>
    public string NetnsDirectory { get; set; } = "/var/run/netns";

    /// <summary>
    /// One JSON record per attachment (config and CNI result), so a restarted daemon answers without re-running ADD.
    /// Kept under /var/run like CNI's own state: a reboot clears both together.
    /// </summary>
    public string StateDirectory { get; set; } = "/var/run/faasd/network";

    /// <summary>CNI_IFNAME of the container side of the veth. faasd uses eth1; we have a single network, so eth0.</summary>
    public string InterfaceName { get; set; } = "eth0";

    /// <summary>A plugin still running after this long is killed and the operation fails.</summary>
    public TimeSpan PluginTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long clean-up after a failed or cancelled attach may take; it runs even when the caller has given up.</summary>
    public TimeSpan CleanupTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Network namespaces kept attached in advance (CNI ADD already done), so a cold start takes one instead of waiting
    /// for ADD. 0 turns the pool off.
    /// </summary>
    public int PoolSize { get; set; }

    /// <summary>
    /// Start of the pooled namespaces' ids (and netns names). It must be unique per pool owner: a daemon recovers, after
    /// a crash, exactly the pooled namespaces whose ids start with it and never touches another daemon's.
    /// </summary>
    public string PoolIdPrefix { get; set; } = "faasd-pool";

    /// <summary>How long the pool waits before trying again after a failed refill (plugins missing, IPAM full).</summary>
    public TimeSpan PoolRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the pool holds its refill after an entry was taken, counted from the latest take. The refill's CNI
    /// ADD runs three plugin processes, and started at once it competed for the CPU with the taker's own task create
    /// and start (runc), on the cold start's critical path; a wave of takes is refilled once it is over.
    /// </summary>
    public TimeSpan PoolRefillDelay { get; set; } = TimeSpan.FromMilliseconds(250);
}
