using FaasD.Images.Collection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
    /// and when the disk passes <see cref="ImageGcOptions.HighThreshold"/> removes unused images of every FaasD
    /// namespace, least recently pulled first, until it is below <see cref="ImageGcOptions.LowThreshold"/>. It reads
    /// FaasD's namespaces and container deletes from containerd and measures the disk with statvfs. Needs <c>AddImageService</c>.
    /// </summary>
    public static IServiceCollection AddImageGarbageCollection(this IServiceCollection services, ImageGcOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.TryAddSingleton<IImageGcSource>(sp => new ContainerdImageGcSource(sp.GetRequiredService<ContainerdClient>()));
        services.TryAddSingleton<IDiskUsage, DriveDiskUsage>();
        services.AddHostedService(sp => new ImageGarbageCollection(
            sp.GetRequiredService<IImageGcSource>(),
            sp.GetRequiredService<IImageCollector>(),
            sp.GetRequiredService<IDiskUsage>(),
            options,
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetRequiredService<ILogger<ImageGarbageCollection>>()));
        return services;
    }
}
