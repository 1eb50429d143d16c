namespace FaasD.Images;

/// <summary>Pulls, imports and inspects images in a containerd namespace. All names are normalised first.</summary>
public interface IImageService
{
    /// <summary>
    /// Pulls <paramref name="reference"/> (e.g. <c>functions/figlet:0.13</c>) for this machine's platform, stores it
    /// and unpacks it, skipping whatever containerd already has.
    /// </summary>
    /// <exception cref="ImagePullException">Nothing usable was pulled; no image record was created or changed.</exception>
    Task<ImagePullResult> PullAsync(string @namespace, string reference, CancellationToken cancellationToken);

    /// <summary>Imports every image in an OCI image layout tar or a <c>docker save</c> tar (optionally gzipped).</summary>
    /// <exception cref="ImagePullException">The archive is unreadable, corrupt or names no image.</exception>
    Task<IReadOnlyList<ImagePullResult>> ImportAsync(string @namespace, string archivePath, ImageImportOptions? options, CancellationToken cancellationToken);

    /// <summary>The stored image resolved for this platform, or null when there is no such image.</summary>
    Task<LocalImage?> GetImageAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>The image's config (entrypoint, cmd, env …), read from the content store; null when there is no such image.</summary>
    Task<ImageConfig?> GetImageConfigAsync(string @namespace, string name, CancellationToken cancellationToken);

    Task<IReadOnlyList<ImageSummary>> ListImagesAsync(string @namespace, CancellationToken cancellationToken);

    /// <summary>True when the image record exists and its layers are unpacked in the configured snapshotter: a container can be created from it now.</summary>
    Task<bool> IsPresentAsync(string @namespace, string name, CancellationToken cancellationToken);
}
