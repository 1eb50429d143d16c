using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace FaasD.Network.Iptables;

/// <summary>
/// What the bridge plugin's <c>ipMasq</c> made in the nat table for one container: a chain named after the network and
/// the CNI container id, and a POSTROUTING jump into it per container address, every rule commented
/// <c>name: "&lt;network&gt;" id: "&lt;container id&gt;"</c>. Container ids are unique per attachment, so that comment and the
/// chain name belong to exactly one attachment: removing them never touches another's.
/// </summary>
internal sealed partial record CniMasquerade(string Network, string ContainerId, IReadOnlyList<string> Sources, bool ChainExists)
{
    public string Chain => ChainFor(Network, ContainerId);

    public string Comment => CommentFor(Network, ContainerId);

    /// <summary>As the plugins' <c>utils.FormatChainName</c>: "CNI-" and the first 24 hex digits of SHA-512(network + id).</summary>
    public static string ChainFor(string network, string containerId) =>
        "CNI-" + Convert.ToHexStringLower(SHA512.HashData(Encoding.UTF8.GetBytes(network + containerId)))[..24];

    /// <summary>As the plugins' <c>utils.FormatComment</c>.</summary>
    public static string CommentFor(string network, string containerId) => $"name: \"{network}\" id: \"{containerId}\"";

    /// <summary>
    /// Every container's masquerade in an <c>iptables-save -t nat</c>, found by the comment of its rules. A chain whose
    /// jump is already gone (a plugin interrupted between the two) is still found through the rules inside it.
    /// </summary>
    public static IReadOnlyList<CniMasquerade> Parse(string natSave)
    {
        var lines = natSave.Split('\n');
        var declared = lines.Where(line => line.StartsWith(":CNI-", StringComparison.Ordinal)).Select(line => line[1..].Split(' ')[0]).ToHashSet(StringComparer.Ordinal);
        var found = new Dictionary<(string Network, string ContainerId), List<string>>();
        foreach (var line in lines)
        {
            if (RuleComment().Match(line) is not { Success: true } match)
            {
                continue;
            }

            var key = (match.Groups["network"].Value, match.Groups["id"].Value);
            var chain = match.Groups["chain"].Value;
            if (chain == "POSTROUTING" ? JumpOf(line) != ChainFor(key.Item1, key.Item2) : chain != ChainFor(key.Item1, key.Item2))
            {
                // Commented like a CNI rule but not in the chain that name and id make: not the bridge plugin's.
                continue;
            }

            var sources = found.TryGetValue(key, out var list) ? list : found[key] = [];
            if (chain == "POSTROUTING" && SourceOf(line) is { } source)
            {
                sources.Add(source);
            }
        }

        return [.. found.Select(entry => new CniMasquerade(entry.Key.Network, entry.Key.ContainerId, entry.Value, declared.Contains(ChainFor(entry.Key.Network, entry.Key.ContainerId))))];
    }

    private static string? JumpOf(string line) => Jump().Match(line) is { Success: true } match ? match.Groups[1].Value : null;

    private static string? SourceOf(string line) => Source().Match(line) is { Success: true } match ? match.Groups[1].Value : null;

    // iptables-save escapes the comment's inner quotes; CNI network names and our container ids hold no quote or backslash.
    [GeneratedRegex("""^-A (?<chain>\S+) .*--comment "name: \\"(?<network>[^"\\]+)\\" id: \\"(?<id>[^"\\]+)\\""(?: |$)""")]
    private static partial Regex RuleComment();

    [GeneratedRegex(@" -j (\S+)")]
    private static partial Regex Jump();

    [GeneratedRegex(@" -s (\S+)")]
    private static partial Regex Source();
}
