namespace FaasD.Images;

/// <summary>The closed set of ways a pull or import fails. Callers branch on these, never on message text.</summary>
public enum ImagePullErrorKind
{
    /// <summary>The reference is not a valid image reference.</summary>
    InvalidReference,

    /// <summary>The registry has no such repository, tag or digest (or the archive names none).</summary>
    NotFound,

    /// <summary>The registry refused our credentials, or wants credentials we do not have.</summary>
    Unauthorized,

    /// <summary>The registry could not be reached or answered with a server error; retrying later may work.</summary>
    Unavailable,

    /// <summary>Content did not match its digest or size, or a document could not be parsed.</summary>
    Corrupt,

    /// <summary>Nothing for this platform, or a media type or archive layout we do not handle.</summary>
    Unsupported,

    /// <summary>containerd failed while storing, unpacking or recording the image.</summary>
    Store,
}
