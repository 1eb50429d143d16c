namespace FaasD.Network.Cni;

/// <summary>One plugin entry of a conflist: its type and its whole JSON object, passed to it verbatim.</summary>
public sealed record CniPluginConfig(string Type, JsonObject Config);

/// <summary>
/// A CNI network configuration list (<c>.conflist</c>): name, version and the plugins run in order.
/// A single-plugin <c>.conf</c> (type at the top level) is read as a list of one, as libcni does.
/// </summary>
public sealed record CniNetworkConfig(string Name, string CniVersion, IReadOnlyList<CniPluginConfig> Plugins)
{
    /// <summary>The loopback network faasd adds in code: brings <c>lo</c> up inside the namespace.</summary>
    public static CniNetworkConfig Loopback { get; } = new(
        "cni-loopback",
        "0.4.0",
        [new CniPluginConfig("loopback", new JsonObject { ["type"] = "loopback" })]);

    public static CniNetworkConfig Parse(string json)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject
                ?? throw new CniConfigException("CNI network configuration must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new CniConfigException($"CNI network configuration is not valid JSON: {e.Message}", e);
        }

        var name = RequiredString(root, "name", "the network");
        var version = RequiredString(root, "cniVersion", $"network '{name}'");
        var pluginNodes = root["plugins"] switch
        {
            JsonArray list => list,
            null when root["type"] is not null => [root.DeepClone()],
            _ => throw new CniConfigException($"network '{name}' has no \"plugins\" list"),
        };
        if (pluginNodes.Count == 0)
        {
            throw new CniConfigException($"network '{name}' has an empty \"plugins\" list");
        }

        var plugins = pluginNodes.Select((node, index) => node is JsonObject plugin
                ? new CniPluginConfig(RequiredString(plugin, "type", $"plugin {index} of network '{name}'"), plugin)
                : throw new CniConfigException($"plugin {index} of network '{name}' is not a JSON object"))
            .ToList();
        return new CniNetworkConfig(name, version, plugins);
    }

    /// <summary>The list back as JSON, as stored with an attachment so DEL later runs exactly the config ADD ran.</summary>
    public JsonObject ToJson() => new()
    {
        ["cniVersion"] = CniVersion,
        ["name"] = Name,
        ["plugins"] = new JsonArray([.. Plugins.Select(plugin => plugin.Config.DeepClone())]),
    };

    /// <summary>
    /// What a plugin reads on stdin: its own object plus the list's name and version and, when chained, the previous result.
    /// </summary>
    public JsonObject StdinFor(CniPluginConfig plugin, JsonObject? previousResult)
    {
        var stdin = (JsonObject)plugin.Config.DeepClone();
        stdin["name"] = Name;
        stdin["cniVersion"] = CniVersion;
        stdin.Remove("prevResult");
        if (previousResult is not null)
        {
            stdin["prevResult"] = previousResult.DeepClone();
        }

        return stdin;
    }

    private static string RequiredString(JsonObject node, string property, string owner) =>
        node[property] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0
            ? text
            : throw new CniConfigException($"{owner} has no \"{property}\" string");
}
