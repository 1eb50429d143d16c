using System.Text.RegularExpressions;
using FaasD.Functions.Abstractions;

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

    public static void ValidateFunctionName(string? name)
    {
        if (!IsDns1123Label(name))
        {
            throw new FunctionPlatformException(FunctionErrorKind.Invalid,
                $"invalid function name \"{name}\": must be a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters)");
        }
    }

    public static void ValidateNamespaceName(string? name)
    {
        if (!IsDns1123Label(name))
        {
            throw new FunctionPlatformException(FunctionErrorKind.Invalid,
                $"invalid namespace \"{name}\": must be a DNS-1123 label");
        }
    }

    public static void ValidateSecretName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new FunctionPlatformException(FunctionErrorKind.Invalid, "non-empty name is required");
        }

        if (name.Contains('/', StringComparison.Ordinal) || name.Contains("..", StringComparison.Ordinal))
        {
            throw new FunctionPlatformException(FunctionErrorKind.Invalid, "directory traversal found in name");
        }

        if (!IsDns1123Subdomain(name))
        {
            throw new FunctionPlatformException(FunctionErrorKind.Invalid,
                $"invalid secret name \"{name}\": must be a DNS-1123 subdomain");
        }
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123Label();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123Subdomain();
}
