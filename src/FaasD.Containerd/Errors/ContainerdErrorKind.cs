namespace FaasD.Containerd.Errors;

/// <summary>
/// The closed set of ways a containerd call fails. Callers branch on these, never on message text.
/// Mirrors containerd's own errdefs classes.
/// </summary>
public enum ContainerdErrorKind
{
    /// <summary>The named object (container, task, blob, namespace, snapshot ...) does not exist.</summary>
    NotFound,

    /// <summary>An object with that name or digest is already there.</summary>
    AlreadyExists,

    /// <summary>The object is in the wrong state for the call: deleting a running task, a non-empty namespace, a digest mismatch on commit.</summary>
    FailedPrecondition,

    /// <summary>containerd is not reachable (not running, restarting) or a resource is locked; retrying later may work.</summary>
    Unavailable,

    InvalidArgument,

    /// <summary>The daemon does not offer the call (an older containerd).</summary>
    NotImplemented,

    /// <summary>The daemon cancelled the call. A cancelled CancellationToken surfaces as OperationCanceledException instead.</summary>
    Cancelled,

    DeadlineExceeded,

    /// <summary>Anything else: an internal daemon error, a protocol failure, an unexpected status.</summary>
    Internal,
}
