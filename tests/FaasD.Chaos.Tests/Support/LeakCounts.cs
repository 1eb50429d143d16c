namespace FaasD.Chaos.Tests.Support;

/// <summary>
/// Everything a crash could leak, counted for one chaos host: network namespaces of its functions, veths on its
/// bridge, host-local IP allocations of its network, iptables lines naming its network or (CNI-FORWARD) an address
/// of its subnet, and in its private
/// containerd the containers, snapshots, leases and shim processes.
/// </summary>
internal sealed record LeakCounts(int Netns, int Veths, int IpAllocations, int IptablesRules, int Containers, int Snapshots, int Leases, int Shims)
{
    public static async Task<LeakCounts> TakeAsync(ChaosHost host)
    {
        var netns = Directory.Exists("/var/run/netns")
            ? Directory.EnumerateFiles("/var/run/netns").Count(f => Path.GetFileName(f).StartsWith($"openfaas-fn.{host.Prefix}", StringComparison.Ordinal))
            : 0;
        var veths = await Shell.CountLinesAsync("ip", "-o", "link", "show", "master", ChaosHost.Bridge);
        var ipamDir = Path.Combine("/var/run/cni", ChaosHost.NetworkName);
        var ips = Directory.Exists(ipamDir)
            ? Directory.EnumerateFiles(ipamDir).Count(f => !Path.GetFileName(f).StartsWith("last_reserved_ip", StringComparison.Ordinal) && Path.GetFileName(f) != "lock")
            : 0;
        var iptables = (await Shell.RunAsync("iptables-save")).Split('\n').Count(l => l.Contains(ChaosHost.NetworkName, StringComparison.Ordinal))
            + (await FaasD.Chaos.Tests.Support.IptablesRules.ChaosForwardRulesAsync()).Count;
        var ctr = new[] { "--address", host.Containerd.SocketPath, "-n", "openfaas-fn" };
        var containers = await Shell.CountLinesAsync("ctr", [.. ctr, "containers", "ls", "-q"]);
        var snapshots = await Shell.CountLinesAsync("ctr", [.. ctr, "snapshots", "ls"]) - 1;
        var leases = await Shell.CountLinesAsync("ctr", [.. ctr, "leases", "ls", "-q"]);
        var shims = (await Shell.RunAsync("pgrep", "-af", "containerd-shim")).Split('\n').Count(l => l.Contains(host.Containerd.SocketPath, StringComparison.Ordinal));
        return new LeakCounts(netns, veths, ips, iptables, containers, Math.Max(0, snapshots), leases, shims);
    }
}
