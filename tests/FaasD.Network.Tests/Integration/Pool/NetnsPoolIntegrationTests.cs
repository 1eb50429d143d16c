using System.Text.Json.Nodes;
using FaasD.Network.Namespaces;
using FaasD.Network.Pool;
using FaasD.Network.State;
using FaasD.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace FaasD.Network.Tests.Integration.Pool;

/// <summary>
/// The pre-wired pool with real CNI plugins on the test bridge: hand-over keeps the pool's namespace, veth and lease;
/// stop, crash recovery and interrupted hand-overs never leak a netns, a veth, a lease or a record (all counted).
/// </summary>
[Integration]
[NonParallelizable]
public sealed class NetnsPoolIntegrationTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private TestNetwork _network = null!;
    private readonly List<CniNetworkManager> _managers = [];

    [SetUp]
    public void CreateTestNetwork()
    {
        TestEnvironment.RequireRoot();
        _network = new TestNetwork();
    }

    [TearDown]
    public async Task StopPoolsAndRemoveTestNetwork()
    {
        foreach (var manager in _managers)
        {
            await manager.Pool.StopAsync(CancellationToken.None);
        }

        if (_network is not null)
        {
            await _network.DisposeAsync();
        }
    }

    private string Prefix => _network.Id("pool");

    private CniNetworkManager Manager(int poolSize, string? configListJson = null)
    {
        var options = _network.Options(configListJson: configListJson);
        options.PoolSize = poolSize;
        options.PoolIdPrefix = Prefix;
        options.PoolRetryDelay = TimeSpan.FromMilliseconds(200);
        var manager = new CniNetworkManager(Options.Create(options), NullLogger<CniNetworkManager>.Instance);
        _managers.Add(manager);
        return manager;
    }

    private async Task<CniNetworkManager> StartedManagerAsync(int poolSize, string? configListJson = null)
    {
        var manager = Manager(poolSize, configListJson);
        manager.Pool.Start();
        await WaitUntilAsync(() => manager.Pool.IsFilled && manager.Pool.ReadyCount == poolSize && PoolNamespaces().Count == poolSize);
        return manager;
    }

    [Test]
    public async Task Prepare_takes_a_prewired_namespace_and_the_pool_refills()
    {
        var manager = await StartedManagerAsync(poolSize: 2);
        var pooled = PoolNamespaces();
        var pooledInodes = await InodesAsync(pooled);

        Assert.That(_network.LeasedAddresses(), Has.Count.EqualTo(2), "each pooled namespace holds a lease");
        var id = _network.Id("fn");

        var path = await manager.PrepareAsync(id, CancellationToken.None);
        var attached = await manager.GetAsync(id, CancellationToken.None);

        Assert.That(path, Is.EqualTo(manager.NetnsPathFor(id)));
        Assert.That(pooledInodes, Does.Contain(await InodeAsync(path)), "the container got one of the pooled namespaces");
        Assert.That(attached, Is.Not.Null, "a pooled namespace is already attached: no ADD left to wait for");
        Assert.That(await Shell.RunAsync("ip", "-n", id, "-4", "addr", "show", "eth0"), Does.Contain($"inet {attached!.Address}/"));
        var hostVeth = await NetnsProbe.HostVethOfAsync(id);
        Assert.That(NetnsProbe.MasterOf(hostVeth), Is.EqualTo(TestEnvironment.TestBridge));
        Assert.That(await manager.AttachAsync(id, CancellationToken.None), Is.EqualTo(attached), "attach finds the taken attachment");
        Assert.That(pooled.Count(File.Exists), Is.EqualTo(1), "the taken namespace lost its pool name");

        await WaitUntilAsync(() => manager.Pool.ReadyCount == 2 && PoolNamespaces().Count == 2);
        Assert.That(_network.LeasedAddresses(), Has.Count.EqualTo(3), "two pooled + the taken one");

        await manager.DetachAsync(id, CancellationToken.None);
        Assert.That(File.Exists(path), Is.False);
        Assert.That(NetnsProbe.InterfaceExists(hostVeth), Is.False, "the taken veth goes with its container");
        Assert.That(_network.LeasedAddresses(), Has.Count.EqualTo(2));

        await manager.Pool.StopAsync(CancellationToken.None);
        AssertNothingLeft();
    }

    [Test]
    public async Task Attach_without_prepare_takes_from_the_pool_too()
    {
        var manager = await StartedManagerAsync(poolSize: 1);
        var inode = await InodeAsync(PoolNamespaces().Single());
        var id = _network.Id("direct");

        var attached = await manager.AttachAsync(id, CancellationToken.None);

        Assert.That(await InodeAsync(attached.NetnsPath), Is.EqualTo(inode));
        Assert.That(Directory.GetFiles(_network.StateDirectory, "*.claim"), Is.Empty, "the hand-over finished");
        await manager.DetachAsync(id, CancellationToken.None);
        await manager.Pool.StopAsync(CancellationToken.None);
        AssertNothingLeft();
    }

    [Test]
    public async Task A_namespace_that_already_exists_is_never_swapped_for_a_pooled_one()
    {
        // A prepared netns may already hold a task being created: attach must wire up that one.
        var manager = await StartedManagerAsync(poolSize: 1);
        var id = _network.Id("own");
        await new NamedNetworkNamespaces(_network.NetnsDirectory).EnsureAsync(id, CancellationToken.None);
        var ownInode = await InodeAsync(manager.NetnsPathFor(id));

        var attached = await manager.AttachAsync(id, CancellationToken.None);

        Assert.That(await InodeAsync(attached.NetnsPath), Is.EqualTo(ownInode));
        Assert.That(manager.Pool.ReadyCount, Is.EqualTo(1), "the pool was not touched");
        await manager.DetachAsync(id, CancellationToken.None);
        await manager.Pool.StopAsync(CancellationToken.None);
        AssertNothingLeft();
    }

    [Test]
    public async Task After_a_crash_the_next_start_reuses_the_pooled_namespaces_without_add()
    {
        var crashed = await StartedManagerAsync(poolSize: 2);
        var inodes = await InodesAsync(PoolNamespaces());
        var leases = _network.LeasedAddresses();

        // kill -9: nothing is released; a new manager with the same prefix starts on what is on disk.
        var restarted = await StartedManagerAsync(poolSize: 2);

        Assert.That(await InodesAsync(PoolNamespaces()), Is.EquivalentTo(inodes), "the same namespaces, not new ones");
        Assert.That(_network.LeasedAddresses(), Is.EquivalentTo(leases));
        await restarted.Pool.StopAsync(CancellationToken.None);
        AssertNothingLeft();
        _managers.Remove(crashed);
    }

    [Test]
    public async Task Pool_size_zero_releases_what_a_crashed_run_left()
    {
        var crashed = await StartedManagerAsync(poolSize: 2);
        _managers.Remove(crashed);

        var restarted = Manager(poolSize: 0);
        restarted.Pool.Start();
        await WaitUntilAsync(() => PoolNamespaces().Count == 0 && _network.LeasedAddresses().Count == 0);

        await restarted.Pool.StopAsync(CancellationToken.None);
        AssertNothingLeft();
    }

    [Test]
    public async Task Pooled_namespaces_made_with_another_config_are_released_and_replaced()
    {
        var before = await StartedManagerAsync(poolSize: 1);
        var oldInode = await InodeAsync(PoolNamespaces().Single());
        _managers.Remove(before);

        // The bridge plugin ignores an unknown key, but the config is no longer the one the namespace was made with.
        var changed = JsonNode.Parse(_network.ConfigListJson)!.AsObject();
        changed["plugins"]![0]!.AsObject()["faasdPoolTest"] = 1;
        var after = await StartedManagerAsync(poolSize: 1, changed.ToJsonString());

        Assert.That(await InodeAsync(PoolNamespaces().Single()), Is.Not.EqualTo(oldInode));
        Assert.That(_network.LeasedAddresses(), Has.Count.EqualTo(1), "the old lease was released");
        await after.Pool.StopAsync(CancellationToken.None);
        AssertNothingLeft();
    }

    [Test]
    public async Task A_hand_over_cut_short_after_the_takers_record_is_finished_by_recovery()
    {
        var crashed = await StartedManagerAsync(poolSize: 1);
        _managers.Remove(crashed);
        var poolPath = PoolNamespaces().Single();
        var poolId = Path.GetFileName(poolPath);
        var inode = await InodeAsync(poolPath);
        var id = _network.Id("taker");
        var takerPath = crashed.NetnsPathFor(id);

        // What HandOverAsync has done when the daemon dies just before dropping the pool's name.
        var store = new AttachmentStore(_network.StateDirectory);
        var pooled = (await store.ReadAsync(poolId, CancellationToken.None))!;
        await new PoolClaimStore(_network.StateDirectory).WriteAsync(new PoolClaim(poolId, id, pooled.ContainerId), CancellationToken.None);
        await store.WriteAsync(pooled with { Id = id, NetnsPath = takerPath }, CancellationToken.None);
        NetnsRebind.Bind(poolPath, takerPath);

        var restarted = await StartedManagerAsync(poolSize: 1);

        Assert.That(File.Exists(poolPath), Is.False, "the pool's name of the taken namespace is gone");
        Assert.That(await InodeAsync(takerPath), Is.EqualTo(inode));
        var attached = await restarted.GetAsync(id, CancellationToken.None);
        Assert.That(attached, Is.Not.Null, "the taker keeps its attachment");
        Assert.That(_network.LeasedAddresses(), Has.Count.EqualTo(2), "the taker's lease and the refilled entry's");
        Assert.That(Directory.GetFiles(_network.StateDirectory, "*.claim"), Is.Empty);

        await restarted.DetachAsync(id, CancellationToken.None);
        await restarted.Pool.StopAsync(CancellationToken.None);
        AssertNothingLeft();
    }

    [Test]
    public async Task A_hand_over_cut_short_before_the_takers_record_is_undone_by_recovery()
    {
        var crashed = await StartedManagerAsync(poolSize: 1);
        _managers.Remove(crashed);
        var poolPath = PoolNamespaces().Single();
        var poolId = Path.GetFileName(poolPath);
        var hostVeth = await NetnsProbe.HostVethOfAsync(poolId);
        var id = _network.Id("never");

        var pooled = (await new AttachmentStore(_network.StateDirectory).ReadAsync(poolId, CancellationToken.None))!;
        await new PoolClaimStore(_network.StateDirectory).WriteAsync(new PoolClaim(poolId, id, pooled.ContainerId), CancellationToken.None);

        var restarted = Manager(poolSize: 0);
        restarted.Pool.Start();
        await WaitUntilAsync(() => PoolNamespaces().Count == 0 && _network.LeasedAddresses().Count == 0);

        Assert.That(NetnsProbe.InterfaceExists(hostVeth), Is.False, "the pooled veth was deleted");
        Assert.That(await restarted.GetAsync(id, CancellationToken.None), Is.Null);
        await restarted.Pool.StopAsync(CancellationToken.None);
        AssertNothingLeft();
    }

    private void AssertNothingLeft()
    {
        Assert.That(PoolNamespaces(), Is.Empty, "pooled netns");
        Assert.That(_network.LeasedAddresses(), Is.Empty, "IPAM leases");
        Assert.That(Directory.Exists(_network.StateDirectory) ? Directory.GetFiles(_network.StateDirectory) : [], Is.Empty, "records and claim markers");
    }

    private List<string> PoolNamespaces() => Directory.Exists(_network.NetnsDirectory)
        ? [.. Directory.GetFiles(_network.NetnsDirectory, Prefix + "-*").Order(StringComparer.Ordinal)]
        : [];

    private static async Task<string> InodeAsync(string path) => (await Shell.RunAsync("stat", "-L", "-c", "%i", path)).Trim();

    private static async Task<List<string>> InodesAsync(IEnumerable<string> paths)
    {
        var inodes = new List<string>();
        foreach (var path in paths)
        {
            inodes.Add(await InodeAsync(path));
        }

        return inodes;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var bound = new CancellationTokenSource(Bound);
        while (!condition())
        {
            if (bound.IsCancellationRequested)
            {
                Assert.Fail("the pool did not get there within the bound");
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }
}
