namespace FaasD.Images;

/// <summary>A pull or import that failed. The message names the reference; no image record was created.</summary>
/// <param name="reference">The image reference (or archive path) being pulled or imported, kept as <see cref="Reference"/>.</param>
public sealed class ImagePullException(ImagePullErrorKind kind, string reference, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    public string Reference { get; } = reference;
    public ImagePullErrorKind Kind { get; } = kind;
}
