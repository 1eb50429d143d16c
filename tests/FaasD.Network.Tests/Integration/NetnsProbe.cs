using System.Net.Sockets;
using System.Text.RegularExpressions;
using FaasD.Network.Namespaces;
using FaasD.Shared;

namespace FaasD.Network.Tests.Integration;

/// <summary>Looks at an attachment from the kernel's side: sockets inside the netns, the veth pair, thread namespaces.</summary>
internal static partial class NetnsProbe
{
    /// <summary>
    /// A TCP socket that belongs to the namespace: a socket's netns is fixed when it is created, so only the creation
    /// happens on a dedicated thread switched into the netns; connecting is then ordinary async code.
    /// </summary>
    public static Task<Socket> CreateTcpSocketInAsync(string netnsPath) => DedicatedThread.RunAsync("netns probe", () =>
    {
        using var original = Libc.OpenReadOnly("/proc/thread-self/ns/net");
        using var target = Libc.OpenReadOnly(netnsPath);
        if (Libc.setns(target.Fd, Libc.CloneNewNet) != 0)
        {
            throw new InvalidOperationException($"setns into {netnsPath}: {Libc.LastError().Text}");
        }

        try
        {
            return new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        }
        finally
        {
            _ = Libc.setns(original.Fd, Libc.CloneNewNet);
        }
    });

    /// <summary>The host end of the container's veth: eth0 inside reports its peer's ifindex as <c>eth0@ifN</c>.</summary>
    public static async Task<string> HostVethOfAsync(string netnsName, string interfaceName = "eth0")
    {
        var line = await Shell.RunAsync("ip", "-n", netnsName, "-o", "link", "show", interfaceName);
        var peerIndex = PeerIndex().Match(line) is { Success: true } match
            ? match.Groups[1].Value
            : throw new InvalidOperationException($"no peer index in: {line}");
        return Directory.GetDirectories("/sys/class/net")
            .Select(Path.GetFileName)
            .Single(name => File.ReadAllText($"/sys/class/net/{name}/ifindex").Trim() == peerIndex)!;
    }

    public static bool InterfaceExists(string name) => Directory.Exists($"/sys/class/net/{name}");

    public static string? MasterOf(string name) =>
        new FileInfo($"/sys/class/net/{name}/master").LinkTarget is { } target ? Path.GetFileName(target) : null;

    /// <summary>Network namespaces of every thread of this process that are not the process's own.</summary>
    public static IReadOnlyList<string> ThreadsOutsideProcessNamespace()
    {
        var own = new FileInfo("/proc/self/ns/net").LinkTarget;
        var strays = new List<string>();
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                var link = new FileInfo(Path.Combine(task, "ns", "net")).LinkTarget;
                if (link is not null && link != own)
                {
                    strays.Add($"{Path.GetFileName(task)} in {link}");
                }
            }
            catch (IOException)
            {
                // The thread ended while we looked.
            }
        }

        return strays;
    }

    [GeneratedRegex(@"^\d+:\s+\S+@if(\d+):")]
    private static partial Regex PeerIndex();
}
