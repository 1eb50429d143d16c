using FaasD.Containerd;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace FaasD.Images;

public static class ImageServiceCollectionExtensions
{
    /// <summary>Registers <see cref="IImageService"/> (pull, import, list) over the containerd client registered by <c>AddContainerdClient</c>.</summary>
    public static IServiceCollection AddImageService(this IServiceCollection services, ImageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IImageService>(sp => new ImageService(
            sp.GetRequiredService<ContainerdClient>(),
            options,
            sp.GetService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
