namespace FaasD.Images.Store;

/// <summary>Where a pull or import reads an image's blobs from: a registry or an archive. Every read is verified.</summary>
internal interface IImageSource
{
    /// <summary>What errors name: the image reference or the archive path.</summary>
    string Reference { get; }

    /// <summary>Labels put on every blob stored from this source (the distribution source for registries).</summary>
    IReadOnlyDictionary<string, string> BlobLabels { get; }

    /// <summary>A manifest, index or config, whole.</summary>
    Task<byte[]> ReadDocumentAsync(OciDescriptor descriptor, CancellationToken cancellationToken);

    /// <summary>A layer, streamed; throws <see cref="ImagePullException"/> (Corrupt) on a digest or size mismatch.</summary>
    Task<Stream> OpenBlobAsync(OciDescriptor descriptor, CancellationToken cancellationToken);
}
