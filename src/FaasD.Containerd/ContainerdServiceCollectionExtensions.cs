using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace FaasD.Containerd;

public static class ContainerdServiceCollectionExtensions
{
    /// <summary>
    /// Registers the one <see cref="ContainerdClient"/> (a gRPC channel over containerd's socket) that the image
    /// and runtime layers share. Nothing above them uses it.
    /// </summary>
    public static IServiceCollection AddContainerdClient(this IServiceCollection services, string socketPath)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new ContainerdClient(
            new ContainerdClientOptions { SocketPath = socketPath },
            sp.GetService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
