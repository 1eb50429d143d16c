using FaasD.Functions.Health;
using Microsoft.Extensions.DependencyInjection;

namespace FaasD.Functions;

public static class ReplicaServiceCollectionExtensions
{
    /// <summary>
    /// The background work behind replicas: the supervisor that replaces failed replicas, the autoscaler and the
    /// liveness monitor. Needs the platform and its registry and catalog registered.
    /// </summary>
    public static IServiceCollection AddFunctionReplicas(this IServiceCollection services, AutoscalerOptions autoscaler, LivenessOptions liveness)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(autoscaler);
        ArgumentNullException.ThrowIfNull(liveness);
        services.AddSingleton(autoscaler);
        services.AddSingleton(liveness);
        services.AddHostedService<ReplicaSupervisor>();
        services.AddHostedService<Autoscaler>();
        services.AddHostedService<LivenessMonitor>();
        return services;
    }
}
