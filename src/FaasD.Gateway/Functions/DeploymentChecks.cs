namespace FaasD.Gateway.Functions;

/// <summary>
/// Shape checks on a deployment body that the platform would only notice deep inside containerd or runc (and
/// so answer 500): control characters, oversized labels, an image reference that cannot be one. The platform
/// still validates names, secrets, quantities and reserved labels itself.
/// </summary>
internal static class DeploymentChecks
{
    /// <summary>containerd refuses a label whose key and value together exceed this (labels.Validate).</summary>
    internal const int MaxLabelSize = 4096;

    /// <summary>Longest image reference accepted; a real one is far shorter (the distribution spec caps names at 255).</summary>
    internal const int MaxImageLength = 1024;

    /// <summary>Null when the body is acceptable, else the one-line reason for a 400.</summary>
    public static string? Problem(FunctionDeployment body)
    {
        if (string.IsNullOrWhiteSpace(body.Image))
        {
            return "image is required";
        }

        if (body.Image.Length > MaxImageLength || HasWhitespaceOrControl(body.Image))
        {
            return $"invalid image reference: must be at most {MaxImageLength} characters without spaces or control characters";
        }

        if (body.EnvProcess is { } process && process.Contains('\0', StringComparison.Ordinal))
        {
            return "envProcess must not contain NUL characters";
        }

        return MapProblem("envVars", body.EnvVars, limitSize: false)
            ?? MapProblem("labels", body.Labels, limitSize: true)
            ?? MapProblem("annotations", body.Annotations, limitSize: true)
            ?? ListProblem("constraints", body.Constraints)
            ?? ListProblem("secrets", body.Secrets);
    }

    private static string? MapProblem(string field, Dictionary<string, string>? map, bool limitSize)
    {
        if (map is null)
        {
            return null;
        }

        foreach (var (key, value) in map)
        {
            if (key.Length == 0 || key.Contains('\0', StringComparison.Ordinal))
            {
                return $"{field}: keys must be non-empty and without NUL characters";
            }

            if (value is null)
            {
                return $"{field}: the value of {Shorten(key)} must be a string";
            }

            if (value.Contains('\0', StringComparison.Ordinal))
            {
                return $"{field}: the value of {Shorten(key)} contains a NUL character";
            }

            if (limitSize && key.Length + value.Length > MaxLabelSize)
            {
                return $"{field}: {Shorten(key)} is longer than {MaxLabelSize} characters with its value";
            }
        }

        return null;
    }

    private static string? ListProblem(string field, List<string>? list)
    {
        if (list is null)
        {
            return null;
        }

        foreach (var item in list)
        {
            if (item is null || item.Contains('\0', StringComparison.Ordinal))
            {
                return $"{field}: every item must be a string without NUL characters";
            }
        }

        return null;
    }

    private static bool HasWhitespaceOrControl(string value)
    {
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }

    private static string Shorten(string key) => key.Length <= 64 ? key : key[..64] + "…";
}
