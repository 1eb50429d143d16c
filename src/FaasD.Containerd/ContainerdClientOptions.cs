namespace FaasD.Containerd;

/// <summary>How to reach containerd. The defaults fit a stock containerd on a systemd host.</summary>
public sealed record ContainerdClientOptions
{
    public const string DefaultSocketPath = "/run/containerd/containerd.sock";

    public string SocketPath { get; init; } = DefaultSocketPath;

    /// <summary>Connecting a unix socket is instant when the daemon is up; anything slower means it is wedged.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// HTTP/2 ping interval while calls are open (long event streams). containerd's Go server keeps grpc-go's
    /// enforcement policy of one ping per 5 minutes and drops clients that ping faster, so stay above that.
    /// </summary>
    public TimeSpan KeepAlivePingDelay { get; init; } = TimeSpan.FromMinutes(6);

    public TimeSpan KeepAlivePingTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Same 16 MiB limit containerd's own client uses in both directions.</summary>
    public int MaxMessageSize { get; init; } = 16 << 20;
}
