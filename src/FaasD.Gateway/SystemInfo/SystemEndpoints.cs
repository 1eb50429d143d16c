namespace FaasD.Gateway.SystemInfo;

/// <summary>
/// <c>/system/info</c> (auth), <c>/healthz</c> (no auth: 200 empty, or 503 with the reason while a health probe
/// fails, e.g. containerd unreachable) and <c>/</c> (307 to <c>/ui/</c>).
/// </summary>
internal sealed class SystemEndpoints(IOptions<GatewayOptions> options, IEnumerable<IHealthProbe> probes)
{
    private readonly IHealthProbe[] _probes = [.. probes];

    private readonly GatewayInfoDto _info = CreateInfo(options.Value);

    /// <summary><c>/system/info</c> on the authenticated group.</summary>
    public void MapSystem(IEndpointRouteBuilder system) => system.MapGet("/info", InfoAsync);

    /// <summary>The unauthenticated routes: <c>/healthz</c> and the redirect from <c>/</c>.</summary>
    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", HealthzAsync);
        endpoints.MapGet("/", static context =>
        {
            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = "/ui/";
            return Task.CompletedTask;
        });
    }

    internal async Task HealthzAsync(HttpContext context)
    {
        foreach (var probe in _probes)
        {
            var report = await probe.CheckAsync(context.RequestAborted);
            if (!report.Healthy)
            {
                await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, report.Reason ?? "unhealthy");
                return;
            }
        }
    }

    internal Task InfoAsync(HttpContext context) =>
        GatewayResponses.WriteJsonAsync(context, _info, GatewayJsonContext.Default.GatewayInfoDto);

    private static GatewayInfoDto CreateInfo(GatewayOptions options) => new()
    {
        // One process is both gateway and provider, so both report the same build.
        Provider = new ProviderInfoDto
        {
            Provider = options.ProviderName,
            Orchestration = options.Orchestration,
            Version = new VersionInfoDto { Sha = options.Sha, Release = options.Version },
        },
        Version = new VersionInfoDto { CommitMessage = "See GitHub for latest changes", Sha = options.Sha, Release = options.Version },
        Arch = options.Arch,
    };
}
