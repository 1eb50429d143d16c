using FaasD.Functions.Abstractions;
using FaasD.Functions.Usage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FaasD.Functions;

public static class FunctionUsageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IFunctionUsage"/>. Needs <c>FunctionCatalog</c>, <c>IContainerUsage</c> (the runtime's
    /// cgroup reader) and <see cref="TimeProvider"/> in the container.
    /// </summary>
    public static IServiceCollection AddFunctionUsage(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IFunctionUsage, FunctionUsageReader>();
        return services;
    }
}
