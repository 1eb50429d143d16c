using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FaasD.Containerd;

/// <summary>Registration of the containerd layer; the image and runtime layers share its one client.</summary>
public static class ContainerdServiceCollectionExtensions
{
    /// <summary>The one <see cref="ContainerdClient"/> (a gRPC channel over containerd's socket). Nothing above images and runtime uses it.</summary>
    public static IServiceCollection AddContainerdClient(this IServiceCollection services, string socketPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        services.TryAddSingleton(sp => new ContainerdClient(
            new ContainerdClientOptions { SocketPath = socketPath }, sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>()));
        return services;
    }
}
