namespace FaasD.Compose;

/// <summary>Where the compose file and its state live and how services are run; the defaults match faasd's layout.</summary>
public sealed record ComposeOptions
{
    public string StateDirectory { get; init; } = "/var/lib/faasd";

    /// <summary>The compose file; relative paths resolve against <see cref="StateDirectory"/>.</summary>
    public string FilePath { get; init; } = "docker-compose.yaml";

    /// <summary>containerd namespace of the services (faasd's <c>openfaas</c>); tests use their own.</summary>
    public string Namespace { get; init; } = "openfaas";

    /// <summary>Shared with functions, which bind-mount it as /etc/hosts; null means <c>&lt;state&gt;/hosts</c>.</summary>
    public string? HostsFile { get; init; }

    /// <summary>Bind-mounted as /etc/resolv.conf into services when it exists; null means <c>&lt;state&gt;/resolv.conf</c>.</summary>
    public string? ResolvConfFile { get; init; }

    /// <summary>Extra hosts-file names besides the services, e.g. <c>gateway</c> → the bridge gateway where the daemon listens.</summary>
    public IReadOnlyDictionary<string, IPAddress> ExtraHosts { get; init; } = new Dictionary<string, IPAddress>
    {
        ["gateway"] = IPAddress.Parse("10.62.0.1"),
    };

    /// <summary>Off by default: like functions, services keep running across daemon restarts and are adopted on start.</summary>
    public bool StopServicesOnShutdown { get; init; }

    public TimeSpan StopGracePeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>First restart delay after a crash; doubles per consecutive crash up to <see cref="RestartMaxDelay"/>.</summary>
    public TimeSpan RestartInitialDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan RestartMaxDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>A service that ran this long before exiting starts again from the initial delay.</summary>
    public TimeSpan RestartResetAfter { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Bytes buffered per direction of each forwarded connection.</summary>
    public int ProxyBufferSize { get; init; } = 16 * 1024;

    public string ResolvedFilePath => Path.Combine(StateDirectory, FilePath);

    public string ResolvedHostsFile => HostsFile ?? Path.Combine(StateDirectory, "hosts");

    public string ResolvedResolvConfFile => ResolvConfFile ?? Path.Combine(StateDirectory, "resolv.conf");
}
