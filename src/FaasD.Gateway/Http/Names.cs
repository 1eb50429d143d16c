namespace FaasD.Gateway.Http;

/// <summary>Name rules of the API. Each check returns null when the name is fine, else the one-line reason for a 400.</summary>
internal static class Names
{
    private const int MaxLabelLength = 63;

    /// <summary>DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters.</summary>
    public static bool IsDnsLabel(ReadOnlySpan<char> name)
    {
        if (name.Length is 0 or > MaxLabelLength || name[0] == '-' || name[^1] == '-')
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                return false;
            }
        }

        return true;
    }

    public static string? ValidateFunctionName(string? name) =>
        string.IsNullOrEmpty(name) ? "function name is required"
        : IsDnsLabel(name) ? null
        : $"invalid function name \"{name}\": must be a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)";

    public static string? ValidateNamespaceName(string? name) =>
        string.IsNullOrEmpty(name) ? "namespace name is required"
        : IsDnsLabel(name) ? null
        : $"invalid namespace name \"{name}\": must be a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)";

    /// <summary>faasd's secret rules, with its exact messages.</summary>
    public static string? ValidateSecretName(string? name) =>
        string.IsNullOrWhiteSpace(name) ? "non-empty name is required"
        : name.Contains('/', StringComparison.Ordinal) || name.Contains("..", StringComparison.Ordinal) ? "directory traversal found in name"
        : null;

    /// <summary>The route charset <c>[-a-zA-Z_0-9.]+</c> of <c>/function/{name}</c>.</summary>
    public static bool IsRouteName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
