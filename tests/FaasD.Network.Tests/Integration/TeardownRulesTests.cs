using System.Text.Json.Nodes;
using FaasD.Network.Namespaces;
using FaasD.Network.Pool;
using FaasD.Network.Tests.Iptables;
using FaasD.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace FaasD.Network.Tests.Integration;

/// <summary>
/// Detach takes back every iptables rule its attach added (bridge plugin: a nat POSTROUTING jump and chain; firewall
/// plugin: two CNI-FORWARD rules), also when the netns vanished first. Counted per attachment before attach, after
/// attach and after detach, so rules other attachments or earlier runs left never count.
/// </summary>
[Integration]
[NonParallelizable]
public sealed class TeardownRulesTests
{
    private TestNetwork _network = null!;

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

    private CniNetworkManager Manager() => new(Options.Create(_network.Options()), NullLogger<CniNetworkManager>.Instance);

    /// <summary>A manager that never removes masquerade rules itself: how detach behaved before it did.</summary>
    private CniNetworkManager ManagerLeavingMasquerades() =>
        new(Options.Create(_network.Options()), NullLogger<CniNetworkManager>.Instance, new FakeMasqueradeRules());

    [Test]
    public async Task Detach_removes_the_rules_attach_added()
    {
        var manager = Manager();
        var id = _network.Id("rules");

        var (before, attached) = await AttachCountingAsync(manager, id);
        await manager.DetachAsync(id, CancellationToken.None);

        AssertBackTo(before, attached.Counts(await AttachmentRules.SnapshotAsync()));
    }

    [Test]
    public async Task Detach_removes_the_rules_when_the_netns_was_deleted_behind_our_back()
    {
        var manager = Manager();
        var id = _network.Id("gone");
        var (before, attached) = await AttachCountingAsync(manager, id);

        await Shell.RunAsync("ip", "netns", "delete", id);
        Assert.That(NamedNetworkNamespaces.IsNamespace(manager.NetnsPathFor(id)), Is.False);
        await manager.DetachAsync(id, CancellationToken.None);

        AssertBackTo(before, attached.Counts(await AttachmentRules.SnapshotAsync()));
        Assert.That(_network.LeasedAddresses(), Is.Empty);
    }

    [Test]
    public async Task Detach_after_a_crash_between_two_plugins_removes_the_firewall_rules_too()
    {
        var manager = Manager();
        var id = _network.Id("midlist");
        var (before, attached) = await AttachCountingAsync(manager, id);

        // What a kill -9 after the firewall's ADD but before the final record leaves: the pending record with the
        // result saved before the firewall ran (the firewall passes the bridge's result through unchanged).
        var path = Path.Combine(_network.StateDirectory, id + ".json");
        var record = JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();
        record["partialResult"] = record["result"]!.DeepClone();
        record["result"] = null;
        await File.WriteAllTextAsync(path, record.ToJsonString());

        await Manager().DetachAsync(id, CancellationToken.None);

        AssertBackTo(before, attached.Counts(await AttachmentRules.SnapshotAsync()));
        Assert.That(_network.LeasedAddresses(), Is.Empty);
    }

    [Test]
    public async Task Pool_recovery_releases_an_entry_whose_netns_vanished_with_its_rules()
    {
        var options = _network.Options();
        options.PoolIdPrefix = _network.Id("pool");
        var poolId = options.PoolIdPrefix + "-0000aaaa";
        var first = new CniNetworkManager(Options.Create(options), NullLogger<CniNetworkManager>.Instance);
        var snapshot = await AttachmentRules.SnapshotAsync();
        await ((IPooledAttachments)first).CreateAsync(poolId, CancellationToken.None);
        var attached = await AttachedAsync(first, poolId, snapshot);
        var before = attached.Counts(snapshot);

        // The daemon was killed; meanwhile the pooled netns went behind its back.
        await Shell.RunAsync("ip", "netns", "delete", poolId);
        var restarted = new CniNetworkManager(Options.Create(options), NullLogger<CniNetworkManager>.Instance);
        var ready = await ((IPooledAttachments)restarted).RecoverAsync(options.PoolIdPrefix, CancellationToken.None);

        Assert.That(ready, Is.Empty);
        AssertBackTo(before, attached.Counts(await AttachmentRules.SnapshotAsync()));
        Assert.That(_network.LeasedAddresses(), Is.Empty);
    }

    [Test]
    public async Task The_start_sweep_removes_masquerades_no_record_owns_and_keeps_live_ones()
    {
        var manager = Manager();
        var liveId = _network.Id("live");
        var (liveBefore, live) = await AttachCountingAsync(manager, liveId);
        var liveAttached = live.Counts(await AttachmentRules.SnapshotAsync());
        var goneId = _network.Id("old");
        var (goneBefore, gone) = await AttachCountingAsync(manager, goneId);

        // A detach as it was before masquerades were removed here: the netns went first, DEL left the nat rules, the
        // record went.
        await Shell.RunAsync("ip", "netns", "delete", goneId);
        await ManagerLeavingMasquerades().DetachAsync(goneId, CancellationToken.None);
        var leftover = gone.Counts(await AttachmentRules.SnapshotAsync());
        Assert.That(leftover.Nat, Is.GreaterThan(goneBefore.Nat), "precondition: the bridge plugin left its nat rules");

        var removed = await Manager().RemoveStaleMasqueradesAsync(CancellationToken.None);

        var after = await AttachmentRules.SnapshotAsync();
        Assert.That(removed, Is.EqualTo(1));
        AssertBackTo(goneBefore, gone.Counts(after));
        Assert.That(live.Counts(after), Is.EqualTo(liveAttached), "the live attachment keeps every rule");

        await manager.DetachAsync(liveId, CancellationToken.None);
        AssertBackTo(liveBefore, live.Counts(await AttachmentRules.SnapshotAsync()));
    }

    /// <summary>Attaches and checks that the attach added rules; returns the counts before it and the attachment.</summary>
    private async Task<(AttachmentRules Before, Attached Attached)> AttachCountingAsync(CniNetworkManager manager, string id)
    {
        var snapshot = await AttachmentRules.SnapshotAsync();
        await manager.AttachAsync(id, CancellationToken.None);
        var attached = await AttachedAsync(manager, id, snapshot);
        return (attached.Counts(snapshot), attached);
    }

    /// <summary>
    /// The attachment's address, CNI container id and chain, after checking that its ADD added rules of both plugins to
    /// what <paramref name="snapshot"/> (taken before it) held.
    /// </summary>
    private async Task<Attached> AttachedAsync(CniNetworkManager manager, string id, string snapshot)
    {
        var attachment = await manager.GetAsync(id, CancellationToken.None) ?? throw new InvalidOperationException($"{id} is not attached");
        var afterAttach = await AttachmentRules.SnapshotAsync();
        var containerId = AttachmentRules.ContainerIdOf(_network, id);
        var attached = new Attached(attachment.Address.ToString(), containerId, AttachmentRules.ChainOf(afterAttach, containerId));
        var before = attached.Counts(snapshot);
        var added = attached.Counts(afterAttach);

        Assert.Multiple(() =>
        {
            Assert.That(added.Forward, Is.GreaterThan(before.Forward), "the firewall plugin's CNI-FORWARD rules");
            Assert.That(added.Nat, Is.GreaterThan(before.Nat), "the bridge plugin's masquerade rules");
            Assert.That(added.Chain, Is.EqualTo(before.Chain + 1), "the bridge plugin's masquerade chain");
        });
        return attached;
    }

    private static void AssertBackTo(AttachmentRules before, AttachmentRules after) =>
        Assert.That(after, Is.EqualTo(before), "CNI-FORWARD rules of the address, nat rules and chain of the container id");

    private sealed record Attached(string Address, string ContainerId, string Chain)
    {
        public AttachmentRules Counts(string snapshot) => AttachmentRules.In(snapshot, Address, ContainerId, Chain);
    }
}
