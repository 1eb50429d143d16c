namespace FaasD.Images;

/// <summary>How images are pulled and unpacked. The defaults match faasd.</summary>
public sealed record ImageOptions
{
    /// <summary>faasd's registry credentials file (docker <c>config.json</c> format); a missing file means anonymous pulls.</summary>
    public const string DefaultDockerConfigPath = "/var/lib/faasd/.docker/config.json";

    public string DockerConfigPath { get; init; } = DefaultDockerConfigPath;

    /// <summary>containerd's socket where nothing else is said (`faasd image …` without --containerd-socket).</summary>
    public const string DefaultContainerdSocket = ContainerdClientOptions.DefaultSocketPath;

    /// <summary>The snapshotter layers are unpacked into; containerd's default on Linux.</summary>
    public string Snapshotter { get; init; } = "overlayfs";

    /// <summary>
    /// Registries (<c>host</c> or <c>host:port</c>) spoken to over plain HTTP. Loopback registries
    /// (<c>localhost</c>, <c>127.0.0.1</c>, <c>[::1]</c>) always are; everything else uses HTTPS.
    /// </summary>
    public IReadOnlyCollection<string> InsecureRegistries { get; init; } = [];

    /// <summary>The platform picked from multi-platform images; null means this machine's.</summary>
    public Platforms.Platform? Platform { get; init; }

    /// <summary>Limit for connecting and for each registry response's headers; body transfers are not limited.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a pull's lease lives if the daemon dies mid-pull; containerd then collects what it held.</summary>
    public TimeSpan LeaseExpiry { get; init; } = TimeSpan.FromHours(1);
}
