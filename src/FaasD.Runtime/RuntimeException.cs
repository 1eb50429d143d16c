namespace FaasD.Runtime;

/// <summary>A failed runtime operation, of one <see cref="RuntimeErrorKind"/>.</summary>
public sealed class RuntimeException(RuntimeErrorKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    public RuntimeErrorKind Kind { get; } = kind;
}
