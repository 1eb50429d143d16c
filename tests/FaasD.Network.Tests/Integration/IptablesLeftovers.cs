using System.Text.RegularExpressions;

namespace FaasD.Network.Tests.Integration;

/// <summary>
/// Rules CNI plugins cannot remove by design in some tests: the bridge's masquerade rule when a netns vanished
/// without a reboot, the firewall's rules when DEL had no prevResult (a simulated crash). Tests remove their own.
/// </summary>
internal static partial class IptablesLeftovers
{
    public static async Task RemoveAsync(string networkName, string? addressPrefix)
    {
        // nat POSTROUTING rules are commented with the network name and jump to a per-container chain.
        var nat = await Shell.RunAsync("iptables", "-w", "-t", "nat", "-L", "POSTROUTING", "--line-numbers", "-n");
        foreach (var (number, target) in Rules(nat).Where(rule => rule.Line.Contains($"name: \"{networkName}\"", StringComparison.Ordinal)).Select(rule => (rule.Number, rule.Target)).Reverse().ToList())
        {
            await Shell.RunAsync("iptables", "-w", "-t", "nat", "-D", "POSTROUTING", number);
            await Shell.RunAsync("iptables", "-w", "-t", "nat", "-F", target);
            await Shell.RunAsync("iptables", "-w", "-t", "nat", "-X", target);
        }

        if (addressPrefix is null || !(await Shell.RunAsync("iptables", "-w", "-S")).Contains("-N CNI-FORWARD", StringComparison.Ordinal))
        {
            return;
        }

        var forward = await Shell.RunAsync("iptables", "-w", "-L", "CNI-FORWARD", "--line-numbers", "-n");
        foreach (var number in Rules(forward).Where(rule => rule.Source.StartsWith(addressPrefix, StringComparison.Ordinal)
            || rule.Destination.StartsWith(addressPrefix, StringComparison.Ordinal)).Select(rule => rule.Number).Reverse().ToList())
        {
            await Shell.RunAsync("iptables", "-w", "-D", "CNI-FORWARD", number);
        }
    }

    private static IEnumerable<(string Number, string Target, string Source, string Destination, string Line)> Rules(string listing) =>
        listing.Split('\n')
            .Select(line => (Line: line, Match: RuleLine().Match(line)))
            .Where(item => item.Match.Success)
            .Select(item => (item.Match.Groups[1].Value, item.Match.Groups[2].Value, item.Match.Groups[3].Value, item.Match.Groups[4].Value, item.Line));

    // num target prot opt source destination ...
    [GeneratedRegex(@"^(\d+)\s+(\S+)\s+\S+\s+\S+\s+(\S+)\s+(\S+)")]
    private static partial Regex RuleLine();
}
