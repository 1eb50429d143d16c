using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FaasD.Network.Tests.Integration;

/// <summary>
/// The iptables lines of one attachment, counted in an <c>iptables-save</c> of both tables: CNI-FORWARD rules naming
/// its address (the firewall plugin's), nat rules whose comment names its CNI container id and the declaration of its
/// masquerade chain (the bridge plugin's). Other attachments' rules, and those of earlier runs, never count.
/// </summary>
internal sealed partial record AttachmentRules(int Forward, int Nat, int Chain)
{
    public static Task<string> SnapshotAsync() => Shell.RunAsync("iptables-save");

    /// <summary>What <paramref name="snapshot"/> holds of the attachment with this address, CNI container id and chain.</summary>
    public static AttachmentRules In(string snapshot, string address, string containerId, string chain)
    {
        var lines = snapshot.Split('\n');
        return new AttachmentRules(
            lines.Count(line => line.StartsWith("-A CNI-FORWARD ", StringComparison.Ordinal) && line.Contains($" {address}/32 ", StringComparison.Ordinal)),
            lines.Count(line => line.StartsWith("-A ", StringComparison.Ordinal) && line.Contains($"id: \\\"{containerId}\\\"", StringComparison.Ordinal)),
            lines.Count(line => line.StartsWith($":{chain} ", StringComparison.Ordinal)));
    }

    /// <summary>The masquerade chain the bridge plugin made for a container: the target of its POSTROUTING jump.</summary>
    public static string ChainOf(string snapshot, string containerId) =>
        snapshot.Split('\n')
            .Where(line => line.StartsWith("-A POSTROUTING ", StringComparison.Ordinal) && line.Contains($"id: \\\"{containerId}\\\"", StringComparison.Ordinal))
            .Select(line => Jump().Match(line))
            .Where(match => match.Success)
            .Select(match => match.Groups[1].Value)
            .FirstOrDefault() ?? throw new InvalidOperationException($"no POSTROUTING rule for {containerId}");

    /// <summary>The CNI container id FaasD gave an attachment, from its record.</summary>
    public static string ContainerIdOf(TestNetwork network, string id) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(network.StateDirectory, id + ".json")))!["containerId"]!.GetValue<string>();

    [GeneratedRegex(@" -j (CNI-[0-9a-f]+)\b")]
    private static partial Regex Jump();
}
