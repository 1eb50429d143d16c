using System.Text.RegularExpressions;

namespace FaasD.Chaos.Tests.Support;

/// <summary>
/// Removes the NAT rules CNI made for some attachments of a network, and their per-attachment chains: what a reboot
/// does to iptables. Only rules whose CNI comment names this network and an id containing <c>idPart</c> are touched.
/// </summary>
internal static partial class IptablesRules
{
    public static async Task RemoveAsync(string network, string idPart)
    {
        var chains = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in (await Shell.RunAsync("iptables-save", "-t", "nat")).Split('\n'))
        {
            if (!line.StartsWith("-A ", StringComparison.Ordinal) || !line.Contains($"name: \\\"{network}\\\"", StringComparison.Ordinal)
                || !line.Contains(idPart, StringComparison.Ordinal))
            {
                continue;
            }

            // iptables-save quotes like a shell, so the line goes back through one to delete exactly that rule.
            await Shell.RunAsync("/bin/sh", "-c", "iptables -t nat -D " + line[3..]);
            if (Target().Match(line) is { Success: true } target)
            {
                chains.Add(target.Groups[1].Value);
            }
        }

        foreach (var chain in chains)
        {
            await Shell.RunAsync("iptables", "-t", "nat", "-F", chain);
            await Shell.RunAsync("iptables", "-t", "nat", "-X", chain);
        }
    }

    [GeneratedRegex(@"-j (CNI-[0-9a-f]+)\s*$")]
    private static partial Regex Target();
}
