using FaasD.Gateway.Invoke;
using FaasD.Gateway.SystemInfo;
using FaasD.Gateway.Ui;

namespace FaasD.Gateway;

public static class GatewayEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps every route of the OpenFaaS gateway: <c>/system/*</c> and <c>/ui/</c> as route groups behind basic auth
    /// (their filters also turn platform errors into OpenFaaS answers),
    /// <c>/function/*</c>, <c>/healthz</c>, <c>/</c> and (unless disabled) <c>/metrics</c> without.
    /// </summary>
    public static IEndpointRouteBuilder MapFaasGateway(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        var auth = services.GetRequiredService<BasicAuthenticator>();

        services.GetRequiredService<FunctionProxy>().Map(endpoints);
        var system = endpoints.MapAuthenticatedGroup("/system", auth);
        foreach (var routes in services.GetServices<ISystemEndpoints>())
        {
            routes.Map(system);
        }

        var systemEndpoints = services.GetRequiredService<SystemEndpoints>();
        systemEndpoints.MapSystem(system);
        systemEndpoints.Map(endpoints);
        services.GetRequiredService<UiEndpoints>().Map(endpoints.MapAuthenticatedGroup("/ui", auth));
        // /async-function/ and /system/queue exist only when the host registered an async queue.
        if (services.GetService<FaasD.Invocation.IAsyncInvocationQueue>() is not null)
        {
            ActivatorUtilities.CreateInstance<AsyncFunctionEndpoint>(services).Map(endpoints, system);
        }

        if (services.GetService<FaasD.Invocation.ITriggerCatalog>() is { } triggers)
        {
            Triggers.TriggersEndpoints.Map(system, triggers);
        }

        if (services.GetRequiredService<IOptions<GatewayOptions>>().Value.MapMetrics)
        {
            endpoints.MapGet(MetricsEndpoints.Path, services.GetRequiredService<MetricsEndpoints>().WriteAsync);
        }

        return endpoints;
    }

}
