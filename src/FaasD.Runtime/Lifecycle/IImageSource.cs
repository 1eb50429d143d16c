namespace FaasD.Runtime.Lifecycle;

/// <summary>What the runtime needs from the image layer: an image made present, and what a present image says.</summary>
internal interface IImageSource
{
    Task EnsureAsync(string @namespace, string image, CancellationToken cancellationToken);

    /// <summary>The unpacked image, or null when it is not in the namespace.</summary>
    Task<UnpackedImage?> GetAsync(string @namespace, string image, CancellationToken cancellationToken);
}

/// <summary>An image ready to run: its stored name, the snapshot its top layer unpacked to, and its process config.</summary>
internal sealed record UnpackedImage(string Name, string ChainId, ImageProcessConfig Process);
