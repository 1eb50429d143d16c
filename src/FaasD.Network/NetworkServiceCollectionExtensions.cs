using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FaasD.Network;

/// <summary>Registration of the network layer.</summary>
public static class NetworkServiceCollectionExtensions
{
    /// <summary>Registers <see cref="INetworkManager"/>: a named network namespace per container, attached with CNI.</summary>
    public static IServiceCollection AddContainerNetwork(this IServiceCollection services, Action<NetworkOptions>? configure = null)
    {
        services.AddOptions<NetworkOptions>().Configure(configure ?? (_ => { }));
        services.TryAddSingleton<INetworkManager>(sp => new CniNetworkManager(
            sp.GetRequiredService<IOptions<NetworkOptions>>(),
            (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<CniNetworkManager>(),
            sp.GetService<TimeProvider>()));
        return services;
    }
}
