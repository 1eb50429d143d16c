using FaasD.Images.Tests.Integration.Support;

namespace FaasD.Images.Tests.Integration;

internal static class ImageServiceFactory
{
    /// <summary>A service on the test namespace's client, counting registry requests, with no credentials file unless given.</summary>
    public static ImageService Create(ContainerdNamespace ns, CountingHandler handler, string? dockerConfigPath = null) =>
        new(ns.Client, new ImageOptions { DockerConfigPath = dockerConfigPath ?? $"/nonexistent/{Guid.NewGuid():N}/config.json" }, registryHandler: handler);
}
