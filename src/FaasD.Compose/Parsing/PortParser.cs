namespace FaasD.Compose.Parsing;

/// <summary>
/// <c>ports:</c> as <c>[host_ip:]published:target[/tcp]</c> (IPv6 host in brackets) or the long form. Only TCP is
/// forwarded; a bare <c>target</c> publishes nothing (there is no random host port to hand out), so it is refused.
/// </summary>
internal static class PortParser
{
    public static List<PublishedPort> Parse(YamlNode node, string service) =>
        [.. YamlNodes.Sequence(node, service, "ports").Children.Select(item => item switch
        {
            YamlScalarNode => ParseShort(item, service),
            YamlMappingNode map => ParseLong(map, service),
            _ => throw YamlNodes.Error(item, service, "a port must be '[host_ip:]published:target' or a mapping"),
        })];

    private static PublishedPort ParseShort(YamlNode item, string service)
    {
        var text = YamlNodes.Scalar(item, service, "port");
        var spec = text;
        var slash = spec.LastIndexOf('/');
        if (slash >= 0)
        {
            RequireTcp(item, service, spec[(slash + 1)..]);
            spec = spec[..slash];
        }

        var host = "0.0.0.0";
        if (spec.StartsWith('['))
        {
            var close = spec.IndexOf("]:", StringComparison.Ordinal);
            if (close < 0)
            {
                throw YamlNodes.Error(item, service, $"port '{text}': unterminated [IPv6] address");
            }

            host = spec[1..close];
            spec = spec[(close + 2)..];
        }

        var parts = spec.Split(':');
        switch (parts.Length)
        {
            case 1:
                throw YamlNodes.Error(item, service, $"port '{text}' names no host port; write published:target");
            case 3:
                host = parts[0];
                parts = parts[1..];
                break;
            case > 3:
                throw YamlNodes.Error(item, service, $"port '{text}' must be [host_ip:]published:target");
        }

        return new PublishedPort(Address(item, service, host), Number(item, service, parts[0]), Number(item, service, parts[1]));
    }

    private static PublishedPort ParseLong(YamlMappingNode map, string service)
    {
        // mode, name, app_protocol: meaningless for one host, so never read.
        var fields = YamlNodes.Fields(map, service);
        string? Field(string key) => fields.TryGetValue(key, out var node) ? YamlNodes.Scalar(node, service, "port " + key) : null;
        if (fields.TryGetValue("protocol", out var protocol))
        {
            RequireTcp(protocol, service, YamlNodes.Scalar(protocol, service, "port protocol"));
        }

        var target = Field("target");
        var published = Field("published");
        if (target is null || published is null)
        {
            throw YamlNodes.Error(map, service, "port needs both target and published");
        }

        return new PublishedPort(Address(map, service, Field("host_ip") ?? "0.0.0.0"), Number(map, service, published), Number(map, service, target));
    }

    private static void RequireTcp(YamlNode node, string service, string protocol)
    {
        if (!protocol.Equals("tcp", StringComparison.OrdinalIgnoreCase))
        {
            throw YamlNodes.Error(node, service, $"protocol '{protocol}' is not supported (only tcp is forwarded)");
        }
    }

    private static IPAddress Address(YamlNode node, string service, string text) =>
        IPAddress.TryParse(text, out var address)
            ? address
            : throw YamlNodes.Error(node, service, $"'{text}' is not an IP address");

    private static int Number(YamlNode node, string service, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port
            : throw YamlNodes.Error(node, service, $"'{text}' is not a port number (1-65535; ranges are not supported)");
}
