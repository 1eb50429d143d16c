namespace FaasD.Runtime;

/// <summary>
/// The closed set of runtime failures: every containerd, network and image error is translated into one of
/// these once, at the runtime's boundary, so callers above test kinds and never transport errors or message text.
/// </summary>
public enum RuntimeErrorKind
{
    NotFound,
    AlreadyExists,

    /// <summary>The state forbids it now, e.g. deleting a namespace that still holds containers.</summary>
    FailedPrecondition,
    Unavailable,
    InvalidArgument,
    Internal,
}
