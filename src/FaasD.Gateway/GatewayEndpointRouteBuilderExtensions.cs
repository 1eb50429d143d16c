using FaasD.Gateway.Auth;
using FaasD.Gateway.Functions;
using FaasD.Gateway.Invoke;
using FaasD.Gateway.Logs;
using FaasD.Gateway.Metrics;
using FaasD.Gateway.Namespaces;
using FaasD.Gateway.Secrets;
using FaasD.Gateway.SystemInfo;
using FaasD.Gateway.Ui;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FaasD.Gateway;

public static class GatewayEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps every route of the OpenFaaS gateway: <c>/system/*</c> and <c>/ui/</c> behind basic auth,
    /// <c>/function/*</c>, <c>/healthz</c>, <c>/</c> and (unless disabled) <c>/metrics</c> without.
    /// </summary>
    public static IEndpointRouteBuilder MapFaasGateway(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        var auth = services.GetRequiredService<BasicAuthenticator>();

        services.GetRequiredService<FunctionProxy>().Map(endpoints);
        services.GetRequiredService<FunctionsEndpoints>().Map(endpoints, auth);
        services.GetRequiredService<SecretsEndpoints>().Map(endpoints, auth);
        services.GetRequiredService<NamespacesEndpoints>().Map(endpoints, auth);
        services.GetRequiredService<LogsEndpoints>().Map(endpoints, auth);
        services.GetRequiredService<SystemEndpoints>().Map(endpoints, auth);
        UiEndpoints.Map(endpoints, auth);
        services.GetRequiredService<FaasD.Gateway.Alerts.AlertEndpoints>().Map(endpoints, auth);
        if (services.GetRequiredService<IOptions<GatewayOptions>>().Value.MapMetrics)
        {
            MetricsEndpoints.Map(endpoints, services.GetRequiredService<InvocationMetrics>());
        }

        return endpoints;
    }
}
