using System.Text.Json.Nodes;
using FaasD.Network.State;
using FaasD.Network.Tests.Cni;
using FaasD.Network.Tests.Iptables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace FaasD.Network.Tests;

/// <summary>
/// The masquerade rules the bridge plugin's DEL leaves when the netns is gone: removed for exactly the detached
/// attachment, and at start for container ids no record owns. Fake plugin binaries, an in-memory nat table.
/// </summary>
public sealed class CniNetworkManagerMasqueradeTests
{
    private const string Network = "unit-net";
    private const string Result = """{"cniVersion":"0.4.0","ips":[{"version":"4","address":"10.9.0.5/16"}]}""";

    private TempDirectory _dir = null!;
    private FakeMasqueradeRules _rules = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = new TempDirectory();
        _rules = new FakeMasqueradeRules();
        FakePlugin.Write(_dir.Combine("bin"), "fakebridge", _dir.Path);
    }

    [TearDown]
    public void TearDown() => _dir.Dispose();

    private static string ConfigList(bool ipMasq) =>
        $$"""{"cniVersion":"0.4.0","name":"{{Network}}","plugins":[{"type":"fakebridge","ipMasq":{{(ipMasq ? "true" : "false")}}}]}""";

    private CniNetworkManager Manager(bool ipMasq = true) => new(
        Options.Create(new NetworkOptions
        {
            ConfigListJson = ConfigList(ipMasq),
            NetnsDirectory = _dir.Combine("netns"),
            StateDirectory = _dir.Combine("state"),
            PluginDirectories = [_dir.Combine("bin")],
        }),
        NullLogger<CniNetworkManager>.Instance,
        _rules);

    /// <summary>A finished attachment whose netns path is no namespace (it never was one here): as after `ip netns delete`.</summary>
    private Task RecordAsync(string id, string containerId, bool ipMasq = true) =>
        new AttachmentStore(_dir.Combine("state")).WriteAsync(
            new AttachmentRecord(id, _dir.Combine("netns", id), containerId, "eth0", JsonNode.Parse(ConfigList(ipMasq))!.AsObject(), JsonNode.Parse(Result)!.AsObject()),
            CancellationToken.None);

    [Test]
    public async Task Detach_with_the_netns_gone_removes_that_attachments_masquerade_only()
    {
        await RecordAsync("fn-a", "fn-a-0000aaaa");
        var own = FakeMasqueradeRules.Masquerade(Network, "fn-a-0000aaaa");
        _rules.Rules.AddRange([own, FakeMasqueradeRules.Masquerade(Network, "fn-b-0000bbbb"), FakeMasqueradeRules.Masquerade("other-net", "fn-a-0000aaaa")]);

        await Manager().DetachAsync("fn-a", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(FakePlugin.Calls(_dir.Path), Is.EqualTo(new[] { "fakebridge DEL" }));
            Assert.That(FakePlugin.Env(_dir.Path, "fakebridge", "DEL"), Does.Contain("CNI_NETNS="), "no netns to enter");
            Assert.That(_rules.Removed, Is.EqualTo(new[] { own }));
            Assert.That(Directory.GetFiles(_dir.Combine("state")), Is.Empty, "record");
        });
    }

    [Test]
    public async Task A_failed_masquerade_removal_does_not_fail_the_detach()
    {
        await RecordAsync("fn-a", "fn-a-0000aaaa");
        _rules.Failure = new NetworkException("iptables-save -t nat exited 4");

        await Manager().DetachAsync("fn-a", CancellationToken.None);

        Assert.That(Directory.GetFiles(_dir.Combine("state")), Is.Empty, "the record goes: the next start's sweep finds the rules ownerless");
    }

    [Test]
    public async Task A_network_without_ipMasq_needs_no_iptables()
    {
        await RecordAsync("fn-a", "fn-a-0000aaaa", ipMasq: false);

        await Manager(ipMasq: false).DetachAsync("fn-a", CancellationToken.None);
        await Manager(ipMasq: false).RemoveStaleMasqueradesAsync(CancellationToken.None);

        Assert.That(_rules.Lists, Is.Zero);
    }

    [Test]
    public async Task The_sweep_removes_only_this_networks_masquerades_of_our_shape_that_no_record_owns()
    {
        await RecordAsync("fn-a", "fn-a-0000aaaa");
        var stale = FakeMasqueradeRules.Masquerade(Network, "fn-gone-0000bbbb");
        _rules.Rules.AddRange(
        [
            FakeMasqueradeRules.Masquerade(Network, "fn-a-0000aaaa"),
            stale,
            FakeMasqueradeRules.Masquerade("other-net", "fn-gone-0000cccc"),
            FakeMasqueradeRules.Masquerade(Network, "someone-else-4242"),
        ]);

        var removed = await Manager().RemoveStaleMasqueradesAsync(CancellationToken.None);

        Assert.That(removed, Is.EqualTo(1));
        Assert.That(_rules.Removed, Is.EqualTo(new[] { stale }));
    }

    [Test]
    public async Task The_sweep_reads_records_after_rules_so_an_attach_during_it_keeps_its_rules()
    {
        // An attach writes its record before ADD makes the rule; here both land while the sweep lists the rules.
        _rules.Rules.Add(FakeMasqueradeRules.Masquerade(Network, "fn-new-0000dddd"));
        _rules.AfterList = () => RecordAsync("fn-new", "fn-new-0000dddd");

        var removed = await Manager().RemoveStaleMasqueradesAsync(CancellationToken.None);

        Assert.That(removed, Is.Zero);
        Assert.That(_rules.Removed, Is.Empty);
    }

    [Test]
    public async Task A_failing_sweep_is_logged_not_thrown()
    {
        _rules.Failure = new NetworkException("cannot run iptables-save: No such file or directory");

        Assert.That(await Manager().RemoveStaleMasqueradesAsync(CancellationToken.None), Is.Zero);
    }
}
