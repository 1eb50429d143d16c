using System.Net;
using System.Text.Json.Nodes;
using FaasD.Network.Namespaces;
using FaasD.TestSupport;
using NUnit.Framework;

namespace FaasD.Network.Tests.Integration;

/// <summary>
/// The shipped conflist pointed at the test bridge and subnet, with IPAM and attachment state in a directory of
/// this run only. Ids, netns names and the CNI network name all carry a per-run prefix, so a crashed earlier run
/// is recognisable and removable, and the production openfaas0 network is never touched.
/// </summary>
internal sealed class TestNetwork
{
    public const string IdPrefix = "ntest-";
    private const string RootParent = "/run/faasd-network-tests";

    public TestNetwork()
    {
        Suffix = TestEnvironment.UniqueSuffix();
        Root = Path.Combine(RootParent, Suffix);
        Name = "faasd-network-test-" + Suffix;
        Subnet = IPNetwork.Parse(TestEnvironment.TestSubnet);
        Gateway = Offset(Subnet.BaseAddress, 1);
        ConfigListJson = BuildConfigList();
    }

    public string Suffix { get; }

    public string Root { get; }

    public string Name { get; }

    public IPNetwork Subnet { get; }

    /// <summary>host-local's default gateway: the subnet's first address, which the bridge plugin puts on the bridge.</summary>
    public IPAddress Gateway { get; }

    public string ConfigListJson { get; }

    /// <summary>The start of every address this run leases (its random /24), e.g. "10.63.177.".</summary>
    public string? AddressPrefix { get; private set; }

    public string StateDirectory => Path.Combine(Root, "state");

    /// <summary>host-local keeps one file per leased IP here, named by the IP.</summary>
    public string LeaseDirectory => Path.Combine(Root, "ipam", Name);

    public string NetnsDirectory { get; } = "/var/run/netns";

    public string Id(string name) => $"{IdPrefix}{Suffix}-{name}";

    public NetworkOptions Options(IList<string>? pluginDirectories = null, string? configListJson = null) => new()
    {
        ConfigListJson = configListJson ?? ConfigListJson,
        StateDirectory = StateDirectory,
        NetnsDirectory = NetnsDirectory,
        PluginDirectories = pluginDirectories ?? new NetworkOptions().PluginDirectories,
    };

    public IReadOnlyList<string> LeasedAddresses() => Directory.Exists(LeaseDirectory)
        ? [.. Directory.GetFiles(LeaseDirectory).Select(Path.GetFileName).Where(name => IPAddress.TryParse(name, out _))!]
        : [];

    /// <summary>Namespaces and directories a crashed earlier run of these tests left behind.</summary>
    public static void RemoveLeftovers()
    {
        RemoveNamespaces(IdPrefix);
        if (Directory.Exists(RootParent))
        {
            Directory.Delete(RootParent, recursive: true);
        }
    }

    public async Task DisposeAsync()
    {
        RemoveNamespaces(IdPrefix + Suffix);
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }

        if (Directory.Exists(RootParent) && Directory.GetFileSystemEntries(RootParent).Length == 0)
        {
            Directory.Delete(RootParent);
        }

        await IptablesLeftovers.RemoveAsync(Name, AddressPrefix);
        await RemoveBridgeWhenUnusedAsync();
    }

    private static void RemoveNamespaces(string prefix)
    {
        if (!Directory.Exists("/var/run/netns"))
        {
            return;
        }

        foreach (var path in Directory.GetFiles("/var/run/netns", prefix + "*"))
        {
            NamedNetworkNamespaces.Remove(path);
        }
    }

    /// <summary>Other layers' tests share the test bridge; it goes only when nothing is plugged into it.</summary>
    private static async Task RemoveBridgeWhenUnusedAsync()
    {
        var ports = $"/sys/class/net/{TestEnvironment.TestBridge}/brif";
        if (Directory.Exists(ports) && Directory.GetFileSystemEntries(ports).Length == 0)
        {
            await Shell.RunAsync("ip", "link", "delete", TestEnvironment.TestBridge);
        }
    }

    private string BuildConfigList()
    {
        var shipped = File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "cni", "10-openfaas.conflist"));
        var list = JsonNode.Parse(shipped)!.AsObject();
        list["name"] = Name;
        var bridge = list["plugins"]![0]!.AsObject();
        bridge["bridge"] = TestEnvironment.TestBridge;
        var ipam = bridge["ipam"]!.AsObject();
        ipam["subnet"] = Subnet.ToString();
        ipam["dataDir"] = Path.Combine(Root, "ipam");

        // Other layers lease from the same test subnet with their own dataDir: a random /24 inside it keeps us apart.
        // Not one of 240-247 (the daemon tests', bench's and chaos suite's /22s), and not one that CNI-FORWARD rules
        // left by an earlier run already name: the rule-counting tests would find the firewall plugin's rules there
        // before they attach (it adds none that exist), and the leftover cleanup would take the other owner's rules.
        if (Subnet.PrefixLength <= 16)
        {
            var named = BlocksNamedByForwardRules();
            var free = Enumerable.Range(100, 140).Where(b => !named.Contains(b)).ToList();
            var block = (free.Count > 0 ? free[Random.Shared.Next(free.Count)] : Random.Shared.Next(100, 240)) * 256;
            var start = Offset(Subnet.BaseAddress, block + 2).ToString();
            ipam["rangeStart"] = start;
            ipam["rangeEnd"] = Offset(Subnet.BaseAddress, block + 254).ToString();
            AddressPrefix = start[..(start.LastIndexOf('.') + 1)];
        }

        return list.ToJsonString();
    }

    /// <summary>The third octets of test-subnet addresses that rules in CNI-FORWARD name (none when the chain is missing).</summary>
    private HashSet<int> BlocksNamedByForwardRules()
    {
        var prefix = Subnet.BaseAddress.ToString();
        prefix = prefix[..(prefix.IndexOf('.', prefix.IndexOf('.') + 1) + 1)];
        var info = new System.Diagnostics.ProcessStartInfo("iptables", ["-w", "-S", "CNI-FORWARD"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = System.Diagnostics.Process.Start(info);
        if (process is null)
        {
            return [];
        }

        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var blocks = new HashSet<int>();
        foreach (var word in output.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (word.StartsWith(prefix, StringComparison.Ordinal) && word[prefix.Length..].Split('.')[0] is var octet
                && int.TryParse(octet, System.Globalization.CultureInfo.InvariantCulture, out var block))
            {
                blocks.Add(block);
            }
        }

        return blocks;
    }

    private static IPAddress Offset(IPAddress address, int offset)
    {
        var bytes = address.GetAddressBytes();
        var value = ((uint)bytes[0] << 24 | (uint)bytes[1] << 16 | (uint)bytes[2] << 8 | bytes[3]) + (uint)offset;
        return new IPAddress([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
    }
}
