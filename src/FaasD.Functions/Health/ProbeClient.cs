namespace FaasD.Functions.Health;

/// <summary>
/// The one HTTP client for readiness and liveness probes of function replicas: no proxy, no redirects, short
/// connect timeout, connections not kept (each probe checks that the replica still accepts).
/// </summary>
internal static class ProbeClient
{
    private static readonly HttpMessageInvoker s_invoker = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(2),
        PooledConnectionLifetime = TimeSpan.Zero,
        ActivityHeadersPropagator = null,
    });

    /// <summary>The status code of GET <paramref name="destination"/>+<paramref name="path"/>, or null when nothing answered in time.</summary>
    public static async Task<HttpStatusCode?> GetStatusAsync(string destination, string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        linked.CancelAfter(timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, destination + path)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.UserAgent.ParseAdd("faasd-probe");
        try
        {
            using var response = await s_invoker.SendAsync(request, linked.Token);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
