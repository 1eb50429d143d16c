using System.Text.RegularExpressions;

namespace FaasD.Functions.Validation;

/// <summary>Name rules shared by every entry point, so the gateway and the CLI reject the same things.</summary>
public static partial class Names
{
    public const string DefaultNamespace = "openfaas-fn";

    /// <summary>DNS-1123 label: what Kubernetes (and so OpenFaaS) accepts as a function or namespace name.</summary>
    public static bool IsDns1123Label(string? value) =>
        value is { Length: > 0 and <= 63 } && Dns1123Label().IsMatch(value);

    /// <summary>DNS-1123 subdomain: what faas-cli checks for secret names.</summary>
    public static bool IsDns1123Subdomain(string? value) =>
        value is { Length: > 0 and <= 253 } && Dns1123Subdomain().IsMatch(value);

    /// <summary>Null when the name is fine, else the one-line reason for a 400.</summary>
    public static string? FunctionNameProblem(string? name) =>
        string.IsNullOrEmpty(name) ? "function name is required"
        : IsDns1123Label(name) ? null
        : $"invalid function name \"{name}\": must be a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)";

    public static string? NamespaceNameProblem(string? name) =>
        string.IsNullOrEmpty(name) ? "namespace name is required"
        : IsDns1123Label(name) ? null
        : $"invalid namespace name \"{name}\": must be a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)";

    /// <summary>faasd's secret rules with its exact messages, plus the DNS-1123 subdomain rule faas-cli applies.</summary>
    public static string? SecretNameProblem(string? name) =>
        string.IsNullOrWhiteSpace(name) ? "non-empty name is required"
        : name.Contains('/', StringComparison.Ordinal) || name.Contains("..", StringComparison.Ordinal) ? "directory traversal found in name"
        : IsDns1123Subdomain(name) ? null
        : $"invalid secret name \"{name}\": must be a DNS-1123 subdomain";

    public static void ValidateFunctionName(string? name) => ThrowIfProblem(FunctionNameProblem(name));

    public static void ValidateNamespaceName(string? name) => ThrowIfProblem(NamespaceNameProblem(name));

    public static void ValidateSecretName(string? name) => ThrowIfProblem(SecretNameProblem(name));

    private static void ThrowIfProblem(string? problem)
    {
        if (problem is not null)
        {
            throw new FunctionPlatformException(FunctionErrorKind.Invalid, problem);
        }
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123Label();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123Subdomain();
}
