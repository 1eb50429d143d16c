using System.Text.RegularExpressions;

namespace FaasD.Compose.Parsing;

/// <summary>One entry under <c>services:</c>. Keys outside the honoured subset are reported, not fatal.</summary>
internal static partial class ServiceParser
{
    public static ServiceDefinition Parse(YamlNode keyNode, YamlNode node, ParseContext context, List<string> ignored)
    {
        var name = YamlNodes.Scalar(keyNode, null, "service name");
        if (!ServiceName().IsMatch(name))
        {
            throw YamlNodes.Error(keyNode, name, "service names may use letters, digits, '.', '_' and '-' and start with a letter or digit");
        }

        var map = YamlNodes.Mapping(node, name, "a service");
        YamlNode? environment = null;
        YamlNode? envFile = null;
        string? image = null;
        var service = new ServiceDefinition { Name = name, Line = YamlNodes.LineOf(keyNode), Image = "" };
        foreach (var entry in map.Children)
        {
            var key = YamlNodes.KeyOf(entry, name);
            var value = entry.Value;
            service = key switch
            {
                "image" => service with { Image = image = YamlNodes.Scalar(value, name, "image") },
                "command" => service with { Command = Words(value, name, "command") },
                "entrypoint" => service with { Entrypoint = Words(value, name, "entrypoint") },
                "user" => service with { User = YamlNodes.Scalar(value, name, "user") },
                "volumes" => service with { Volumes = VolumeParser.Parse(value, name, context) },
                "ports" => service with { Ports = PortParser.Parse(value, name) },
                "cap_add" => service with { CapAdd = Capabilities(value, name, "cap_add") },
                "cap_drop" => service with { CapDrop = Capabilities(value, name, "cap_drop") },
                "depends_on" => service with { DependsOn = Dependencies(value, name) },
                "restart" => service with { Restart = Restart(value, name) },
                "environment" or "env_file" => service,
                _ => Ignore(service, ignored, entry.Key, $"services.{name}.{key}"),
            };
            if (key == "environment")
            {
                environment = value;
            }
            else if (key == "env_file")
            {
                envFile = value;
            }
        }

        if (image is null)
        {
            throw YamlNodes.Error(keyNode, name, "image is required (build is not supported)");
        }

        return service with { Environment = EnvironmentParser.Parse(environment, envFile, name, context) };
    }

    private static ServiceDefinition Ignore(ServiceDefinition service, List<string> ignored, YamlNode key, string path)
    {
        ignored.Add($"line {YamlNodes.LineOf(key)}: {path}");
        return service;
    }

    private static List<string> Words(YamlNode node, string service, string what) =>
        node is YamlScalarNode
            ? CommandLineSplitter.Split(YamlNodes.Scalar(node, service, what), message => YamlNodes.Error(node, service, $"{what}: {message}"))
            : YamlNodes.Strings(node, service, what);

    private static List<string> Capabilities(YamlNode node, string service, string what) =>
        [.. YamlNodes.Strings(node, service, what).Select(cap =>
        {
            var upper = cap.ToUpperInvariant();
            return upper == "ALL" || upper.StartsWith("CAP_", StringComparison.Ordinal) ? upper : "CAP_" + upper;
        })];

    /// <summary>List form or map form (<c>db: {condition: ...}</c>); every condition is treated as "started".</summary>
    private static List<string> Dependencies(YamlNode node, string service) =>
        node switch
        {
            YamlSequenceNode => YamlNodes.Strings(node, service, "depends_on"),
            YamlMappingNode map => [.. map.Children.Select(entry => YamlNodes.KeyOf(entry, service))],
            _ => throw YamlNodes.Error(node, service, "depends_on must be a list of services or a mapping"),
        };

    private static RestartPolicy Restart(YamlNode node, string service)
    {
        var text = YamlNodes.Scalar(node, service, "restart");
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var mode = colon < 0 ? text : text[..colon];
        var retries = 0;
        if (colon >= 0 && (mode != "on-failure"
            || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out retries)))
        {
            throw YamlNodes.Error(node, service, $"restart '{text}': only on-failure takes a retry count (on-failure:N)");
        }

        return mode switch
        {
            "no" => RestartPolicy.No,
            "always" => new RestartPolicy(RestartMode.Always),
            "unless-stopped" => new RestartPolicy(RestartMode.UnlessStopped),
            "on-failure" => new RestartPolicy(RestartMode.OnFailure, retries),
            _ => throw YamlNodes.Error(node, service, $"restart must be no, always, on-failure[:N] or unless-stopped, not '{text}'"),
        };
    }

    // Also a valid containerd id and a valid hosts-file name.
    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")]
    private static partial Regex ServiceName();
}
