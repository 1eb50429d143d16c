using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using FaasD.Network.Cni;
using FaasD.Network.Namespaces;
using FaasD.Network.Tests.Cni;
using FaasD.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace FaasD.Network.Tests.Integration;

[Integration]
[NonParallelizable]
public sealed class CniNetworkManagerTests
{
    private TestNetwork _network = null!;

    [OneTimeSetUp]
    public void RemoveLeftoversOfCrashedRuns()
    {
        if (TestEnvironment.IsRoot)
        {
            TestNetwork.RemoveLeftovers();
        }
    }

    [SetUp]
    public void CreateTestNetwork()
    {
        TestEnvironment.RequireRoot();
        _network = new TestNetwork();
    }

    [TearDown]
    public async Task RemoveTestNetwork()
    {
        if (_network is not null)
        {
            await _network.DisposeAsync();
        }
    }

    private CniNetworkManager Manager(NetworkOptions? options = null) =>
        new(Options.Create(options ?? _network.Options()), NullLogger<CniNetworkManager>.Instance);

    [Test]
    public async Task Attach_puts_the_container_in_its_netns_on_the_bridge()
    {
        var manager = Manager();
        var id = _network.Id("attach");

        var attachment = await manager.AttachAsync(id, CancellationToken.None);

        Assert.That(attachment.Id, Is.EqualTo(id));
        Assert.That(attachment.NetnsPath, Is.EqualTo($"/var/run/netns/{id}").And.EqualTo(manager.NetnsPathFor(id)));
        Assert.That(_network.Subnet.Contains(attachment.Address), Is.True, $"{attachment.Address} not in {_network.Subnet}");
        Assert.That(File.Exists(attachment.NetnsPath) && NamedNetworkNamespaces.IsNamespace(attachment.NetnsPath), Is.True);
        Assert.That(await Shell.RunAsync("ip", "-n", id, "-4", "addr", "show", "eth0"), Does.Contain($"inet {attachment.Address}/{_network.Subnet.PrefixLength}"));
        Assert.That(await Shell.RunAsync("ip", "-n", id, "link", "show", "lo"), Does.Contain("UP"), "the loopback plugin brings lo up");
        Assert.That(await Shell.RunAsync("ip", "-n", id, "route"), Does.Contain($"default via {_network.Gateway}"));
        var hostVeth = await NetnsProbe.HostVethOfAsync(id);
        Assert.That(NetnsProbe.MasterOf(hostVeth), Is.EqualTo(TestEnvironment.TestBridge));
        Assert.That(_network.LeasedAddresses(), Is.EqualTo(new[] { attachment.Address.ToString() }));

        await manager.DetachAsync(id, CancellationToken.None);
    }

    [Test]
    public async Task Attaching_again_returns_the_first_attachment()
    {
        var manager = Manager();
        var id = _network.Id("twice");

        var first = await manager.AttachAsync(id, CancellationToken.None);
        var second = await manager.AttachAsync(id, CancellationToken.None);

        Assert.That(second, Is.EqualTo(first));
        Assert.That(_network.LeasedAddresses(), Has.Count.EqualTo(1));
        await manager.DetachAsync(id, CancellationToken.None);
    }

    [Test]
    public async Task A_restarted_manager_knows_the_attachment_without_running_add()
    {
        var id = _network.Id("restart");
        var attached = await Manager().AttachAsync(id, CancellationToken.None);
        var hostVeth = await NetnsProbe.HostVethOfAsync(id);

        var restarted = Manager();
        var found = await restarted.GetAsync(id, CancellationToken.None);
        var attachedAgain = await restarted.AttachAsync(id, CancellationToken.None);

        Assert.That(found, Is.EqualTo(attached));
        Assert.That(attachedAgain, Is.EqualTo(attached));
        Assert.That(await NetnsProbe.HostVethOfAsync(id), Is.EqualTo(hostVeth), "the same veth: nothing was re-added");
        Assert.That(_network.LeasedAddresses(), Is.EqualTo(new[] { attached.Address.ToString() }));
        await restarted.DetachAsync(id, CancellationToken.None);
    }

    [Test]
    public async Task Detach_removes_netns_lease_veth_and_record_and_can_repeat()
    {
        var manager = Manager();
        var id = _network.Id("detach");
        var attachment = await manager.AttachAsync(id, CancellationToken.None);
        var hostVeth = await NetnsProbe.HostVethOfAsync(id);
        Assert.That(NetnsProbe.InterfaceExists(hostVeth), Is.True);

        await manager.DetachAsync(id, CancellationToken.None);

        Assert.That(File.Exists(attachment.NetnsPath), Is.False, "netns file");
        Assert.That(_network.LeasedAddresses(), Is.Empty, "IPAM lease");
        Assert.That(NetnsProbe.InterfaceExists(hostVeth), Is.False, "host veth");
        Assert.That(Directory.GetFiles(_network.StateDirectory), Is.Empty, "attachment record");
        Assert.That(await manager.GetAsync(id, CancellationToken.None), Is.Null);

        Assert.That(async () => await manager.DetachAsync(id, CancellationToken.None), Throws.Nothing);
        Assert.That(async () => await Manager().DetachAsync(_network.Id("never-attached"), CancellationToken.None), Throws.Nothing);
    }

    [Test]
    public async Task Ten_concurrent_attaches_get_ten_distinct_addresses()
    {
        var manager = Manager();
        var ids = Enumerable.Range(0, 10).Select(index => _network.Id($"many{index}")).ToList();

        var attachments = await Task.WhenAll(ids.Select(id => manager.AttachAsync(id, CancellationToken.None)));

        Assert.That(attachments.Select(attachment => attachment.Address).Distinct().Count(), Is.EqualTo(10));
        Assert.That(attachments.All(attachment => _network.Subnet.Contains(attachment.Address)), Is.True);
        Assert.That(_network.LeasedAddresses(), Has.Count.EqualTo(10));
        Assert.That(NetnsProbe.ThreadsOutsideProcessNamespace(), Is.Empty, "no thread may stay in a container's netns");

        await Task.WhenAll(ids.Select(id => manager.DetachAsync(id, CancellationToken.None)));

        Assert.That(_network.LeasedAddresses(), Is.Empty);
        Assert.That(ids.Any(id => File.Exists(manager.NetnsPathFor(id))), Is.False);
    }

    [Test]
    public async Task Container_reaches_the_gateway_over_tcp()
    {
        var manager = Manager();
        var id = _network.Id("tcp");
        var attachment = await manager.AttachAsync(id, CancellationToken.None);
        using var listener = new TcpListener(_network.Gateway, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        using var socket = await NetnsProbe.CreateTcpSocketInAsync(attachment.NetnsPath);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(new IPEndPoint(_network.Gateway, port), timeout.Token);
        using var accepted = await listener.AcceptSocketAsync(timeout.Token);

        Assert.That(((IPEndPoint)accepted.RemoteEndPoint!).Address, Is.EqualTo(attachment.Address), "the connection comes from the container's address");
        await manager.DetachAsync(id, CancellationToken.None);
    }

    [Test]
    public async Task Missing_plugins_fail_clearly_and_leave_nothing_behind()
    {
        var manager = Manager(_network.Options(pluginDirectories: ["/nonexistent/cni/bin"]));
        var id = _network.Id("noplugins");

        var error = Assert.ThrowsAsync<CniConfigException>(() => manager.AttachAsync(id, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("CNI plugin 'loopback' not found in /nonexistent/cni/bin"));
        Assert.That(File.Exists(manager.NetnsPathFor(id)), Is.False);
        Assert.That(Directory.Exists(_network.StateDirectory) ? Directory.GetFiles(_network.StateDirectory) : [], Is.Empty);
        Assert.That(_network.LeasedAddresses(), Is.Empty);
        Assert.That(await manager.GetAsync(id, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task A_plugin_failing_after_the_bridge_rolls_the_whole_attach_back()
    {
        using var fakes = new TempDirectory();
        FakePlugin.Write(fakes.Path, "refuser", fakes.Path, """{"code":7,"msg":"refused by test"}""", exitCode: 1, onlyFor: CniCommand.Add);
        var list = JsonNode.Parse(_network.ConfigListJson)!.AsObject();
        list["plugins"]!.AsArray().Add(new JsonObject { ["type"] = "refuser" });
        var manager = Manager(_network.Options([fakes.Path, .. new NetworkOptions().PluginDirectories], list.ToJsonString()));
        var id = _network.Id("rollback");

        var error = Assert.ThrowsAsync<CniPluginException>(() => manager.AttachAsync(id, CancellationToken.None));

        Assert.That(error!.Message, Is.EqualTo("CNI plugin 'refuser' ADD failed (code 7): refused by test"));
        Assert.That(FakePlugin.Calls(fakes.Path), Does.Contain("refuser DEL"), "rollback runs DEL through the whole list");
        Assert.That(_network.LeasedAddresses(), Is.Empty, "the bridge's lease was released");
        Assert.That(File.Exists(manager.NetnsPathFor(id)), Is.False);
        Assert.That(await manager.GetAsync(id, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task A_cancelled_attach_leaves_nothing_behind()
    {
        var manager = Manager();
        foreach (var delay in new[] { 1, 40, 120, 250 })
        {
            var id = _network.Id($"cancel{delay}");
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(delay));
            try
            {
                await manager.AttachAsync(id, cancel.Token);

                // Finished before the cancel landed: that is fine, but then it must be a normal attachment.
                await manager.DetachAsync(id, CancellationToken.None);
            }
            catch (OperationCanceledException)
            {
            }

            Assert.That(File.Exists(manager.NetnsPathFor(id)), Is.False, $"netns after cancel at {delay} ms");
            Assert.That(_network.LeasedAddresses(), Is.Empty, $"lease after cancel at {delay} ms");
        }
    }

    [Test]
    public async Task After_a_reboot_the_stale_record_is_dropped_and_its_lease_released()
    {
        var manager = Manager();
        var id = _network.Id("reboot");
        var attachment = await manager.AttachAsync(id, CancellationToken.None);

        // A reboot takes every netns with it; the record and (with a persistent dataDir) the lease survive.
        NamedNetworkNamespaces.Remove(attachment.NetnsPath);
        Assert.That(_network.LeasedAddresses(), Has.Count.EqualTo(1));

        var restarted = Manager();
        Assert.That(await restarted.GetAsync(id, CancellationToken.None), Is.Null);
        Assert.That(_network.LeasedAddresses(), Is.Empty, "stale lease released");
        Assert.That(Directory.GetFiles(_network.StateDirectory), Is.Empty, "stale record removed");

        var again = await restarted.AttachAsync(id, CancellationToken.None);
        Assert.That(NamedNetworkNamespaces.IsNamespace(again.NetnsPath), Is.True);
        await restarted.DetachAsync(id, CancellationToken.None);
    }

    [Test]
    public async Task An_attach_that_crashed_after_add_is_repaired_by_the_next_attach()
    {
        var manager = Manager();
        var id = _network.Id("crashed");
        var first = await manager.AttachAsync(id, CancellationToken.None);
        var firstVeth = await NetnsProbe.HostVethOfAsync(id);

        // The daemon died after ADD but before the final record: what is on disk is the pending record (no result).
        var recordPath = Path.Combine(_network.StateDirectory, id + ".json");
        var record = JsonNode.Parse(await File.ReadAllTextAsync(recordPath))!.AsObject();
        record["result"] = null;
        await File.WriteAllTextAsync(recordPath, record.ToJsonString());

        var restarted = Manager();
        var repaired = await restarted.AttachAsync(id, CancellationToken.None);

        Assert.That(_network.LeasedAddresses(), Is.EqualTo(new[] { repaired.Address.ToString() }), "the first lease was released, not leaked");
        Assert.That(NetnsProbe.InterfaceExists(firstVeth), Is.False, "the first veth is gone");
        Assert.That(await Shell.RunAsync("ip", "-n", id, "-4", "addr", "show", "eth0"), Does.Contain($"inet {repaired.Address}/"));
        Assert.That(first.NetnsPath, Is.EqualTo(repaired.NetnsPath));
        await restarted.DetachAsync(id, CancellationToken.None);
        Assert.That(_network.LeasedAddresses(), Is.Empty);
    }

    [Test]
    public async Task A_netns_without_a_record_is_replaced_by_a_fresh_attachment()
    {
        var id = _network.Id("stray");
        await new NamedNetworkNamespaces(_network.NetnsDirectory).EnsureAsync(id, CancellationToken.None);
        var manager = Manager();
        Assert.That(await manager.GetAsync(id, CancellationToken.None), Is.Null, "a bare netns is not an attachment");

        var attachment = await manager.AttachAsync(id, CancellationToken.None);

        Assert.That(await Shell.RunAsync("ip", "-n", id, "-4", "addr", "show", "eth0"), Does.Contain($"inet {attachment.Address}/"));
        await manager.DetachAsync(id, CancellationToken.None);
        Assert.That(File.Exists(attachment.NetnsPath), Is.False);
    }

    [Test]
    public async Task A_prepared_netns_is_the_one_attach_wires_up()
    {
        // The runtime creates the task in the prepared namespace while ADD runs: both must mean the same netns.
        var manager = Manager();
        var id = _network.Id("prep");
        var path = await manager.PrepareAsync(id, CancellationToken.None);
        var preparedInode = (await Shell.RunAsync("stat", "-L", "-c", "%i", path)).Trim();
        Assert.That(await manager.GetAsync(id, CancellationToken.None), Is.Null, "prepared is not attached");
        Assert.That(await manager.PrepareAsync(id, CancellationToken.None), Is.EqualTo(path), "prepare is idempotent");

        var attachment = await manager.AttachAsync(id, CancellationToken.None);

        Assert.That(attachment.NetnsPath, Is.EqualTo(path));
        Assert.That((await Shell.RunAsync("stat", "-L", "-c", "%i", path)).Trim(), Is.EqualTo(preparedInode));
        Assert.That(await Shell.RunAsync("ip", "-n", id, "-4", "addr", "show", "eth0"), Does.Contain($"inet {attachment.Address}/"));
        await manager.DetachAsync(id, CancellationToken.None);
        Assert.That(File.Exists(path), Is.False);
        Assert.That(_network.LeasedAddresses(), Is.Empty);
    }

    [Test]
    public async Task Attach_and_detach_times()
    {
        var manager = Manager();
        var attachTimes = new List<double>();
        var detachTimes = new List<double>();
        for (var round = 0; round < 7; round++)
        {
            var id = _network.Id($"time{round}");
            var watch = Stopwatch.StartNew();
            await manager.AttachAsync(id, CancellationToken.None);
            attachTimes.Add(watch.Elapsed.TotalMilliseconds);
            watch.Restart();
            await manager.DetachAsync(id, CancellationToken.None);
            detachTimes.Add(watch.Elapsed.TotalMilliseconds);
        }

        var attach = Median(attachTimes);
        var detach = Median(detachTimes);
        TestContext.Out.WriteLine($"attach median {attach:0} ms [{string.Join(", ", attachTimes.Select(t => t.ToString("0")))}]");
        TestContext.Out.WriteLine($"detach median {detach:0} ms [{string.Join(", ", detachTimes.Select(t => t.ToString("0")))}]");
        Assert.That(attach, Is.LessThan(5000));
        Assert.That(detach, Is.LessThan(5000));
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
