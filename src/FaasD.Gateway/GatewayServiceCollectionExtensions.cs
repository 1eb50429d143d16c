using FaasD.Gateway.Functions;
using FaasD.Gateway.Invoke;
using FaasD.Gateway.Logs;
using FaasD.Gateway.Namespaces;
using FaasD.Gateway.Secrets;
using FaasD.Gateway.SystemInfo;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FaasD.Gateway;

public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// Registers the OpenFaaS HTTP API and the invoke proxy. The host registers the platform below it:
    /// <c>IFunctionPlatform</c>, <c>ISecretStore</c>, <c>INamespaceStore</c> and <c>ILogSource</c>.
    /// </summary>
    public static IServiceCollection AddFaasGateway(this IServiceCollection services, Action<GatewayOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<GatewayOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(
            o => !string.IsNullOrWhiteSpace(o.DefaultNamespace) && o.UpstreamTimeout > TimeSpan.Zero && o.MaxSystemRequestBodySize > 0,
            "GatewayOptions: DefaultNamespace must be set and UpstreamTimeout and MaxSystemRequestBodySize must be positive");

        services.AddRouting();
        services.AddHttpForwarder();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<BasicAuthenticator>();
        services.TryAddSingleton<NamespaceResolver>();
        services.TryAddSingleton<SystemRequestBody>();
        services.TryAddSingleton<InvocationMetrics>();
        services.TryAddSingleton<FunctionHttpClient>();
        services.TryAddSingleton<FunctionProxy>();
        services.TryAddSingleton<FaasD.Invocation.IFunctionInvoker, InProcessInvoker>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISystemEndpoints, FunctionsEndpoints>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISystemEndpoints, SecretsEndpoints>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISystemEndpoints, NamespacesEndpoints>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISystemEndpoints, LogsEndpoints>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISystemEndpoints, FaasD.Gateway.Alerts.AlertEndpoints>());
        services.TryAddSingleton<SystemEndpoints>();
        services.TryAddSingleton<FunctionUsageSource>();
        services.TryAddSingleton<PlatformGauges>();
        services.TryAddSingleton<MetricsEndpoints>();
        services.TryAddSingleton<FaasD.Gateway.Ui.UiAssets>();
        services.TryAddSingleton<FaasD.Gateway.Ui.UiApiEndpoints>();
        services.TryAddSingleton<FaasD.Gateway.Ui.UiEndpoints>();
        return services;
    }
}
