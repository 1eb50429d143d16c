namespace FaasD.Containerd.Errors;

/// <summary>A failed containerd call, already translated from the transport's status into a <see cref="ContainerdErrorKind"/>.</summary>
public sealed class ContainerdException(ContainerdErrorKind kind, string operation, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    public ContainerdErrorKind Kind { get; } = kind;

    /// <summary>The call that failed, e.g. <c>Containers.Get</c>, or a helper's step such as <c>Content.Write commit</c>.</summary>
    public string Operation { get; } = operation;
}
