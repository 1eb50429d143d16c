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

    /// <summary>
    /// Removes the firewall plugin's CNI-FORWARD rules naming one of <paramref name="addresses"/>: what a reboot does to
    /// them. Those rules carry no network or container name, so they can only be matched by address.
    /// </summary>
    public static async Task RemoveForwardAsync(IReadOnlySet<string> addresses)
    {
        foreach (var line in await ForwardRulesAsync())
        {
            if (AddressOf(line) is { } address && addresses.Contains(address))
            {
                await Shell.RunAsync("/bin/sh", "-c", "iptables -w -D " + line[3..]);
            }
        }
    }

    /// <summary>The CNI-FORWARD rules naming an address of the chaos network's subnet.</summary>
    public static async Task<IReadOnlyList<string>> ChaosForwardRulesAsync() =>
        [.. (await ForwardRulesAsync()).Where(line => AddressOf(line) is { } address && InChaosSubnet(address))];

    /// <summary>
    /// CNI-FORWARD rules for chaos-subnet addresses that no host-local allocation holds: left by earlier runs whose
    /// simulated reboot did not remove them. The subnet is the chaos suite's own, so nothing else owns them.
    /// </summary>
    public static async Task RemoveUnownedChaosForwardAsync(string ipamDirectory)
    {
        var allocated = Directory.Exists(ipamDirectory)
            ? Directory.EnumerateFiles(ipamDirectory).Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal)
            : [];
        var unowned = (await ChaosForwardRulesAsync()).Select(AddressOf).OfType<string>().Where(a => !allocated.Contains(a)).ToHashSet(StringComparer.Ordinal);
        await RemoveForwardAsync(unowned);
    }

    private static async Task<IReadOnlyList<string>> ForwardRulesAsync()
    {
        // The whole filter table rather than the chain: a missing chain is no rules, and iptables itself missing fails.
        var rules = await Shell.RunAsync("iptables", "-w", "-S");
        return [.. rules.Split('\n').Where(line => line.StartsWith("-A CNI-FORWARD ", StringComparison.Ordinal))];
    }

    private static string? AddressOf(string rule) => Address().Match(rule) is { Success: true } m ? m.Groups[1].Value : null;

    // 10.63.244.0/22: the third octet is 244-247.
    private static bool InChaosSubnet(string address) =>
        address.StartsWith("10.63.", StringComparison.Ordinal) && int.TryParse(address.Split('.')[2], out var third) && third is >= 244 and <= 247;

    [GeneratedRegex(@"-[sd] (\d+\.\d+\.\d+\.\d+)/32")]
    private static partial Regex Address();

    [GeneratedRegex(@"-j (CNI-[0-9a-f]+)\s*$")]
    private static partial Regex Target();
}
