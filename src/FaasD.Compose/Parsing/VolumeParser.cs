using System.Text.RegularExpressions;

namespace FaasD.Compose.Parsing;

/// <summary>
/// <c>volumes:</c> entries in short (<c>src:dst[:ro]</c>) and long (<c>type/source/target/read_only</c>) form.
/// Paths resolve against the state directory; a named volume is the directory <c>&lt;state&gt;/volumes/&lt;name&gt;</c>
/// and an anonymous one (<c>- /data</c>) a directory named after the service and target, so data outlives the container.
/// </summary>
internal static partial class VolumeParser
{
    public const string VolumesDirectory = "volumes";

    public static List<ServiceVolume> Parse(YamlNode node, string service, ParseContext context) =>
        [.. YamlNodes.Sequence(node, service, "volumes").Children.Select(item => item switch
        {
            YamlScalarNode => ParseShort(item, service, context),
            YamlMappingNode map => ParseLong(map, service, context),
            _ => throw YamlNodes.Error(item, service, "a volume must be 'source:target[:ro]' or a mapping"),
        })];

    private static ServiceVolume ParseShort(YamlNode item, string service, ParseContext context)
    {
        var text = YamlNodes.Scalar(item, service, "volume");
        var parts = text.Split(':');
        var readOnly = false;
        if (parts.Length == 3)
        {
            readOnly = parts[2].Split(',').Contains("ro", StringComparer.Ordinal);
            if (!readOnly && !parts[2].Split(',').All(option => option is "rw" or "z" or "Z" or "cached" or "delegated" or "consistent"))
            {
                throw YamlNodes.Error(item, service, $"volume '{text}': unknown mode '{parts[2]}'");
            }
        }
        else if (parts.Length > 3)
        {
            throw YamlNodes.Error(item, service, $"volume '{text}' must be source:target[:mode]");
        }

        return parts.Length == 1
            ? Build(item, service, context, source: null, parts[0], readOnly)
            : Build(item, service, context, parts[0], parts[1], readOnly);
    }

    private static ServiceVolume ParseLong(YamlMappingNode map, string service, ParseContext context)
    {
        // bind/volume sub-options (create_host_path, nocopy ...) change nothing for a plain bind mount, so never read.
        var fields = YamlNodes.Fields(map, service);
        string? Field(string key) => fields.TryGetValue(key, out var node) ? YamlNodes.Scalar(node, service, "volume " + key) : null;
        var type = Field("type");
        var source = Field("source");
        var target = Field("target");
        var readOnly = fields.TryGetValue("read_only", out var flag) && YamlNodes.Boolean(flag, service, "volume read_only");
        if (target is null)
        {
            throw YamlNodes.Error(map, service, "volume needs a target");
        }

        return type switch
        {
            "bind" when source is null => throw YamlNodes.Error(map, service, $"bind volume for {target} needs a source"),
            "bind" => Build(map, service, context, IsPath(source) ? source : "./" + source, target, readOnly),
            "volume" or null => Build(map, service, context, source, target, readOnly),
            _ => throw YamlNodes.Error(map, service, $"volume type '{type}' is not supported (only bind and volume)"),
        };
    }

    private static ServiceVolume Build(YamlNode node, string service, ParseContext context, string? source, string target, bool readOnly)
    {
        if (!target.StartsWith('/'))
        {
            throw YamlNodes.Error(node, service, $"volume target '{target}' must be an absolute path");
        }

        if (source is null)
        {
            var anonymous = $"{service}{target.Replace('/', '_')}";
            return new ServiceVolume(Path.Combine(context.StateDirectory, VolumesDirectory, anonymous), target, readOnly, IsNamedVolume: true);
        }

        if (IsPath(source))
        {
            return new ServiceVolume(context.Resolve(source), target, readOnly, IsNamedVolume: false);
        }

        if (!VolumeName().IsMatch(source))
        {
            throw YamlNodes.Error(node, service, $"'{source}' is neither a path nor a valid volume name");
        }

        return new ServiceVolume(Path.Combine(context.StateDirectory, VolumesDirectory, source), target, readOnly, IsNamedVolume: true);
    }

    private static bool IsPath(string source) => source.StartsWith('/') || source.StartsWith('.') || source.StartsWith('~');

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")]
    private static partial Regex VolumeName();
}
