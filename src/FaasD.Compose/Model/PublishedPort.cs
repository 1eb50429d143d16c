namespace FaasD.Compose.Model;

/// <summary>A TCP port the daemon listens on (<paramref name="HostAddress"/>:<paramref name="Published"/>) and forwards to the service's <paramref name="Target"/>.</summary>
public sealed record PublishedPort(IPAddress HostAddress, int Published, int Target)
{
    public override string ToString() => $"{(HostAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{HostAddress}]" : HostAddress.ToString())}:{Published}->{Target}";
}
