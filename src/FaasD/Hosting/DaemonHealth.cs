namespace FaasD.Hosting;

/// <summary>
/// What the systemd watchdog ping vouches for: the same answer an operator or a load balancer gets. The ping is
/// sent only while <c>GET /healthz</c> on the daemon's own listener answers 200 within a few seconds, i.e. the
/// gateway serves and every health probe (containerd reachable) passes.
/// </summary>
internal static class DaemonHealth
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(5);

    public static async Task<bool> IsHealthyAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var settings = services.GetRequiredService<DaemonSettings>();
        var client = services.GetRequiredService<HealthzClient>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_timeout);
        try
        {
            using var response = await client.Http.GetAsync(HealthzUri(settings), timeout.Token);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>The listener's own address; a wildcard bind is reached over loopback.</summary>
    internal static Uri HealthzUri(DaemonSettings settings)
    {
        var address = IPAddress.Parse(settings.BindAddress);
        if (address.Equals(IPAddress.Any))
        {
            address = IPAddress.Loopback;
        }
        else if (address.Equals(IPAddress.IPv6Any))
        {
            address = IPAddress.IPv6Loopback;
        }

        return new UriBuilder(Uri.UriSchemeHttp, address.ToString(), settings.Port, "/healthz").Uri;
    }
}

/// <summary>One HTTP client for the watchdog's self-check (no proxy, no pooling surprises).</summary>
internal sealed class HealthzClient : IDisposable
{
    public HttpClient Http { get; } = new(new SocketsHttpHandler { UseProxy = false, UseCookies = false, AllowAutoRedirect = false });

    public void Dispose() => Http.Dispose();
}
