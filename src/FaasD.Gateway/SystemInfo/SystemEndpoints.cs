using FaasD.Gateway.Auth;
using FaasD.Gateway.Http;
using FaasD.Gateway.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace FaasD.Gateway.SystemInfo;

/// <summary><c>/system/info</c> (auth), <c>/healthz</c> (no auth, 200 empty) and <c>/</c> (307 to <c>/ui/</c>).</summary>
internal sealed class SystemEndpoints(IOptions<GatewayOptions> options)
{
    private readonly GatewayInfoDto _info = CreateInfo(options.Value);

    public void Map(IEndpointRouteBuilder endpoints, BasicAuthenticator auth)
    {
        endpoints.MapGet("/system/info", auth.Require(InfoAsync));
        endpoints.MapGet("/healthz", static _ => Task.CompletedTask);
        endpoints.MapGet("/", static context =>
        {
            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = "/ui/";
            return Task.CompletedTask;
        });
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
