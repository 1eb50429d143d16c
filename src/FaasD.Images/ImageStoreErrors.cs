namespace FaasD.Images;

/// <summary>
/// Tells containerd's failures apart for callers that do not see FaasD.Containerd: listing, removing and pruning
/// images surface the store's errors as they are, and `faasd image …` prints them instead of a stack trace.
/// </summary>
public static class ImageStoreErrors
{
    /// <summary>containerd refused or failed the call (including "not found").</summary>
    public static bool IsStoreFailure(Exception exception) => exception is ContainerdException;

    /// <summary>containerd has no such image (or other record).</summary>
    public static bool IsNotFound(Exception exception) => exception is ContainerdException { Kind: ContainerdErrorKind.NotFound };
}
