namespace FaasD.Functions.Abstractions;

/// <summary>The closed set of failures the platform reports; the gateway maps each kind to one HTTP status.</summary>
public enum FunctionErrorKind
{
    /// <summary>Bad input from the caller (name, namespace, secret missing, bad quantity): 400.</summary>
    Invalid,
    /// <summary>The function, namespace or secret does not exist: 404.</summary>
    NotFound,
    /// <summary>The thing already exists: 409 (or 400 where the contract says so).</summary>
    AlreadyExists,
    /// <summary>A dependency (containerd, registry) is down or refused: 502/503.</summary>
    Unavailable,
    /// <summary>The function did not become ready in time: 504.</summary>
    Timeout,
    /// <summary>Anything else: 500.</summary>
    Internal,
}

public sealed class FunctionPlatformException(FunctionErrorKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    public FunctionErrorKind Kind { get; } = kind;
}
