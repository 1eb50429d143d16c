namespace FaasD.Images;

/// <summary>A pull or import that failed. The message names the reference; no image record was created.</summary>
public sealed class ImagePullException : Exception
{
    public ImagePullException(ImagePullErrorKind kind, string reference, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        Reference = reference;
    }

    public ImagePullErrorKind Kind { get; }

    /// <summary>The image reference (or archive path) being pulled or imported.</summary>
    public string Reference { get; }
}
