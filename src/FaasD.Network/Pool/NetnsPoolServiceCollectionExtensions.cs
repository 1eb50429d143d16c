using FaasD.Network.Pool;
using Microsoft.Extensions.DependencyInjection;

namespace FaasD.Network;

public static class NetnsPoolServiceCollectionExtensions
{
    /// <summary>
    /// Runs the pre-wired netns pool of the registered <see cref="INetworkManager"/> (size: <see cref="NetworkOptions.PoolSize"/>).
    /// It runs even at size 0, so entries a crashed earlier run left behind are released. Another manager: nothing to run.
    /// </summary>
    public static IServiceCollection AddNetnsPool(this IServiceCollection services) =>
        services.AddHostedService(sp => sp.GetRequiredService<INetworkManager>() is CniNetworkManager cni
            ? new NetnsPoolService(cni.Pool)
            : new NetnsPoolService(null));
}
