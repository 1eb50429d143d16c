namespace FaasD.Compose.Parsing;

/// <summary>
/// <c>env_file</c> then <c>environment</c> (list <c>KEY=VALUE</c> or map form); later wins per key. A key given
/// without a value takes the daemon's variable of that name, or is left out when there is none (compose's rule).
/// </summary>
internal static class EnvironmentParser
{
    public static List<string> Parse(YamlNode? environment, YamlNode? envFile, string service, ParseContext context)
    {
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (envFile is not null)
        {
            foreach (var file in YamlNodes.Strings(envFile, service, "env_file", allowSingle: true))
            {
                ReadEnvFile(context.Resolve(file), envFile, service, values);
            }
        }

        switch (environment)
        {
            case null:
                break;
            case YamlMappingNode map:
                foreach (var entry in map.Children)
                {
                    var key = YamlNodes.KeyOf(entry, service);
                    Set(values, key, YamlNodes.ScalarOrNull(entry.Value, service, $"environment.{key}"), context);
                }

                break;
            case YamlSequenceNode list:
                foreach (var item in list.Children)
                {
                    var text = YamlNodes.Scalar(item, service, "environment entry");
                    var equals = text.IndexOf('=', StringComparison.Ordinal);
                    Set(values, equals < 0 ? text : text[..equals], equals < 0 ? null : text[(equals + 1)..], context);
                }

                break;
            default:
                throw YamlNodes.Error(environment, service, "environment must be a list of KEY=VALUE or a mapping");
        }

        return [.. values.Select(pair => $"{pair.Key}={pair.Value}")];
    }

    private static void Set(SortedDictionary<string, string> values, string key, string? value, ParseContext context)
    {
        value ??= context.HostVariable(key);
        if (value is null)
        {
            values.Remove(key);
        }
        else
        {
            values[key] = value;
        }
    }

    private static void ReadEnvFile(string path, YamlNode node, string service, SortedDictionary<string, string> values)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ComposeException($"env_file {path} cannot be read: {exception.Message}", YamlNodes.LineOf(node), service, exception);
        }

        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line["export ".Length..].TrimStart();
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue; // a bare KEY in an env file sets nothing
            }

            values[line[..equals].Trim()] = Unquote(line[(equals + 1)..].Trim());
        }
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0] ? value[1..^1] : value;
}
