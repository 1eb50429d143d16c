namespace FaasD.Configuration;

/// <summary>Everything `faasd up` can be told, after flags and FAASD_* environment variables are applied.</summary>
public sealed record DaemonSettings
{
    public int Port { get; init; } = 8080;
    public string BindAddress { get; init; } = "0.0.0.0";
    public string StateDir { get; init; } = "/var/lib/faasd";
    public string ContainerdSocket { get; init; } = "/run/containerd/containerd.sock";
    public string CniConfDir { get; init; } = "/etc/cni/net.d";
    public string CniConfFile { get; init; } = "10-openfaas.conflist";
    public IReadOnlyList<string> CniBinDirs { get; init; } = ["/opt/cni/bin", "/usr/lib/cni"];
    public string Snapshotter { get; init; } = "overlayfs";
    public string DockerConfig { get; init; } = "/var/lib/faasd/.docker/config.json";
    public IReadOnlyList<string> InsecureRegistries { get; init; } = [];
    public TimeSpan ReadinessTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan UpstreamTimeout { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan StopGracePeriod { get; init; } = TimeSpan.FromSeconds(10);
    public bool ScaleToZero { get; init; }
    public TimeSpan ScaleToZeroIdle { get; init; } = TimeSpan.FromMinutes(5);
    public TimeSpan? ScaleToZeroStopAfter { get; init; }
    public int WakeQueueLength { get; init; } = 1000;
    public TimeSpan WakeTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public string LogLevel { get; init; } = "Information";
    public string ComposeFile { get; init; } = "docker-compose.yaml";
    public bool StopServicesOnShutdown { get; init; }
    public int NetnsPoolSize { get; init; } = 2;
    public int MetricsPort { get; init; } = 8082;
    public string? NatsUrl { get; init; }
    public int NatsConcurrency { get; init; } = 8;
    public string Queue { get; init; } = "embedded";
    public long QueueMaxBody { get; init; } = 4 * 1024 * 1024;
    public int QueueMaxSize { get; init; } = 10_000;
    public int QueueMaxInflight { get; init; } = 1;
    public TimeSpan QueueAckWait { get; init; } = TimeSpan.FromSeconds(60);
    public long MaxApiBodySize { get; init; } = 4 * 1024 * 1024;
    public long MaxRequestHeaderSize { get; init; } = 32 * 1024;
    public TimeSpan RequestHeadersTimeout { get; init; } = TimeSpan.FromSeconds(15);
    public bool ImageGc { get; init; } = true;
    public int ImageGcHighThreshold { get; init; } = 85;
    public int ImageGcLowThreshold { get; init; } = 80;
    public TimeSpan ImageGcMinAge { get; init; } = TimeSpan.FromMinutes(2);
    public string ContainerdRoot { get; init; } = "/var/lib/containerd";
    public bool Autoscale { get; init; } = true;
    public int SharedShims { get; init; } = 8;
    public TimeSpan ScaleDownWindow { get; init; } = TimeSpan.FromMinutes(1);
    public TimeSpan LivenessInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often <see cref="Hosting.IdleMemoryTrim"/> checks for the end of a burst; zero: never trims.</summary>
    public TimeSpan MemoryTrimInterval { get; init; } = TimeSpan.FromSeconds(10);

    public string SecretsDir => Path.Combine(StateDir, "secrets");
    public string LogsDir => Path.Combine(StateDir, "logs");
    public string CniConfPath => Path.Combine(CniConfDir, CniConfFile);
    public string QueueDir => Path.Combine(StateDir, "queue");
}
