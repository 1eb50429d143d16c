namespace FaasD.Compose.Parsing;

/// <summary>
/// The <c>.env</c> file beside a compose file: <c>KEY=value</c> lines, <c>#</c> comments, an optional
/// <c>export </c>, values optionally in single or double quotes. Used only for interpolation; the daemon's own
/// environment wins over it, as with docker compose.
/// </summary>
internal static class DotEnvFile
{
    public static async Task<IReadOnlyDictionary<string, string>> ReadBesideAsync(string composePath, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(composePath))!, ".env");
        if (!File.Exists(path))
        {
            return new Dictionary<string, string>();
        }

        try
        {
            return Parse(await File.ReadAllLinesAsync(path, cancellationToken));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ComposeException($"cannot read {path}: {exception.Message}", exception);
        }
    }

    public static Dictionary<string, string> Parse(IEnumerable<string> lines)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line[7..].TrimStart();
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var value = line[(equals + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                value = value[1..^1];
            }

            variables[line[..equals].Trim()] = value;
        }

        return variables;
    }
}
