namespace FaasD.Compose.Parsing;

/// <summary>Typed reads of YAML nodes that fail with the node's line and the service being read.</summary>
internal static class YamlNodes
{
    public static int LineOf(YamlNode node) => (int)node.Start.Line;

    public static ComposeException Error(YamlNode node, string? service, string message) =>
        new(message, LineOf(node), service);

    public static YamlMappingNode Mapping(YamlNode node, string? service, string what) =>
        node as YamlMappingNode ?? throw Error(node, service, $"{what} must be a mapping");

    public static YamlSequenceNode Sequence(YamlNode node, string? service, string what) =>
        node as YamlSequenceNode ?? throw Error(node, service, $"{what} must be a list");

    /// <summary>A scalar as text; YAML null (<c>~</c>, empty) reads as null.</summary>
    public static string? ScalarOrNull(YamlNode node, string? service, string what)
    {
        if (node is not YamlScalarNode scalar)
        {
            throw Error(node, service, $"{what} must be a single value");
        }

        return IsNull(scalar) ? null : scalar.Value;
    }

    public static string Scalar(YamlNode node, string? service, string what) =>
        ScalarOrNull(node, service, what) is { Length: > 0 } value ? value : throw Error(node, service, $"{what} must not be empty");

    public static bool Boolean(YamlNode node, string? service, string what) =>
        Scalar(node, service, what).ToLowerInvariant() switch
        {
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            var other => throw Error(node, service, $"{what} must be true or false, not '{other}'"),
        };

    /// <summary>A list of scalars, or a single scalar when <paramref name="allowSingle"/> (e.g. <c>env_file: .env</c>).</summary>
    public static List<string> Strings(YamlNode node, string? service, string what, bool allowSingle = false)
    {
        if (allowSingle && node is YamlScalarNode)
        {
            return [Scalar(node, service, what)];
        }

        return [.. Sequence(node, service, what).Children.Select(item => Scalar(item, service, what + " entry"))];
    }

    public static string KeyOf(KeyValuePair<YamlNode, YamlNode> entry, string? service) =>
        Scalar(entry.Key, service, "key");

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    /// <summary>A long-syntax mapping's values by key (a repeated key: the last wins, as in YAML 1.1 readers); keys FaasD has no use for are simply never asked for.</summary>
    public static Dictionary<string, YamlNode> Fields(YamlMappingNode map, string? service)
    {
        var fields = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var entry in map.Children)
        {
            fields[KeyOf(entry, service)] = entry.Value;
        }

        return fields;
    }
}
