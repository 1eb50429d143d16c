using System.Net;
using System.Net.Sockets;

namespace FaasD.Network.Cni;

public sealed record CniInterface(string Name, string? Mac, string? Sandbox);

/// <summary>An address a plugin assigned; Interface indexes <see cref="CniResult.Interfaces"/> when the plugin said which.</summary>
public sealed record CniIpConfig(IPAddress Address, int PrefixLength, IPAddress? Gateway, int? Interface);

/// <summary>
/// A plugin's success answer. Reads the 0.3.x/0.4.0 shape (ips carry <c>"version": "4"</c>) and the 1.0.0 shape
/// (no version; the family comes from the address). The raw JSON is kept: it is the next plugin's prevResult.
/// </summary>
public sealed record CniResult(string CniVersion, IReadOnlyList<CniInterface> Interfaces, IReadOnlyList<CniIpConfig> Ips, JsonObject Raw)
{
    public static CniResult Parse(string json)
    {
        try
        {
            var root = JsonNode.Parse(json) as JsonObject ?? throw new CniConfigException("CNI result must be a JSON object");
            return Parse(root);
        }
        catch (JsonException e)
        {
            throw new CniConfigException($"CNI result is not valid JSON: {e.Message}", e);
        }
    }

    public static CniResult Parse(JsonObject root)
    {
        var version = root["cniVersion"]?.ToString() ?? "";
        var interfaces = (root["interfaces"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(item => new CniInterface(item["name"]?.ToString() ?? "", item["mac"]?.ToString(), NullIfEmpty(item["sandbox"]?.ToString())))
            .ToList();
        var ips = (root["ips"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(ParseIp)
            .ToList();
        return new CniResult(version, interfaces, ips, root);
    }

    /// <summary>
    /// The container's IPv4: the first one on an interface inside a sandbox (the container side of the veth),
    /// else the first IPv4 at all (plugins that do not say which interface an address belongs to).
    /// </summary>
    public IPAddress? ContainerIPv4()
    {
        var ipv4 = Ips.Where(ip => ip.Address.AddressFamily == AddressFamily.InterNetwork).ToList();
        var inSandbox = ipv4.FirstOrDefault(ip =>
            ip.Interface is { } index && index >= 0 && index < Interfaces.Count && Interfaces[index].Sandbox is not null);
        return (inSandbox ?? ipv4.FirstOrDefault())?.Address;
    }

    private static CniIpConfig ParseIp(JsonObject item)
    {
        var address = item["address"]?.ToString() ?? throw new CniConfigException("CNI result has an ip without \"address\"");
        if (address.Split('/') is not [var host, var prefix] || !IPAddress.TryParse(host, out var ip)
            || !int.TryParse(prefix, out var length))
        {
            throw new CniConfigException($"CNI result has an address that is not in CIDR form: '{address}'");
        }

        var gateway = item["gateway"]?.ToString() is { Length: > 0 } text && IPAddress.TryParse(text, out var parsed) ? parsed : null;
        int? interfaceIndex = item["interface"] is JsonValue value && value.TryGetValue<int>(out var index) ? index : null;
        return new CniIpConfig(ip, length, gateway, interfaceIndex);
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
