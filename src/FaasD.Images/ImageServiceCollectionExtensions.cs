using FaasD.Containerd;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace FaasD.Images;

/// <summary>Registration of the image layer.</summary>
public static class ImageServiceCollectionExtensions
{
    /// <summary>Registers <see cref="IImageService"/> (pull, import, list) over the client of <c>AddContainerdClient</c>.</summary>
    public static IServiceCollection AddImageService(this IServiceCollection services, ImageOptions? options = null)
    {
        services.TryAddSingleton<IImageService>(sp =>
            new ImageService(sp.GetRequiredService<ContainerdClient>(), options, sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>()));
        return services;
    }
}
