namespace FaasD.Images.Distribution;

/// <summary>A pull's blobs, read from the registry the reference names.</summary>
internal sealed class RegistryImageSource(RegistryClient registry, ImageReference reference) : IImageSource
{
    public string Reference { get; } = reference.ToString();

    public IReadOnlyDictionary<string, string> BlobLabels { get; } =
        new Dictionary<string, string> { [GcLabels.DistributionSource(reference.Domain)] = reference.Path };

    public Task<byte[]> ReadDocumentAsync(OciDescriptor descriptor, CancellationToken cancellationToken) =>
        MediaTypes.IsIndex(descriptor.MediaType) || MediaTypes.IsManifest(descriptor.MediaType)
            ? registry.FetchManifestAsync(descriptor, cancellationToken)
            : registry.FetchBlobAsync(descriptor, cancellationToken);

    public Task<Stream> OpenBlobAsync(OciDescriptor descriptor, CancellationToken cancellationToken) =>
        registry.OpenBlobAsync(descriptor, cancellationToken);
}
