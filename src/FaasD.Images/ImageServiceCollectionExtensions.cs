using FaasD.Containerd;
using FaasD.Images.Collection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace FaasD.Images;

/// <summary>Registration of the image layer.</summary>
public static class ImageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IImageService"/> (pull, import, list) and <see cref="IImageCollector"/> (remove, prune,
    /// stale leases) over the one containerd client, connected to <paramref name="containerdSocket"/>.
    /// </summary>
    public static IServiceCollection AddImageService(this IServiceCollection services, string containerdSocket, ImageOptions? options = null) =>
        services.AddContainerdClient(containerdSocket).AddImageService(options);

    /// <summary>Registers <see cref="IImageService"/> and <see cref="IImageCollector"/> over the client of <c>AddContainerdClient</c>.</summary>
    public static IServiceCollection AddImageService(this IServiceCollection services, ImageOptions? options = null)
    {
        services.TryAddSingleton<IImageService>(sp =>
            new ImageService(sp.GetRequiredService<ContainerdClient>(), options, sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>()));
        services.TryAddSingleton<IImageCollector>(sp => new ImageCollector(
            sp.GetRequiredService<ContainerdClient>(),
            (options ?? new ImageOptions()).Snapshotter,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<ImageCollector>>()));
        return services;
    }

    /// <summary>
    /// The automatic image GC: a background service that prunes a FaasD namespace after its containers are deleted,
    /// and every FaasD namespace when the disk passes <see cref="ImageGcOptions.HighThreshold"/>. Needs <c>AddImageService</c>.
    /// </summary>
    public static IServiceCollection AddImageGarbageCollection(this IServiceCollection services, ImageGcOptions options)
    {
        services.AddHostedService(sp => new ImageGarbageCollection(
            sp.GetRequiredService<ContainerdClient>(),
            sp.GetRequiredService<IImageCollector>(),
            options,
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetRequiredService<ILogger<ImageGarbageCollection>>()));
        return services;
    }
}
