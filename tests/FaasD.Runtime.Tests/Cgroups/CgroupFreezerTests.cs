using FaasD.Runtime.Cgroups;
using NUnit.Framework;

namespace FaasD.Runtime.Tests.Cgroups;

/// <summary>The freezer against a fake cgroup filesystem in a temp directory, with a test task playing the kernel.</summary>
public sealed class CgroupFreezerTests
{
    private const string CgroupsPath = "/faasd/openfaas-fn/figlet";

    private string _root = "";

    [SetUp]
    public void CreateRoot() => _root = Directory.CreateTempSubdirectory("faasd-cgroup-").FullName;

    [TearDown]
    public void RemoveRoot() => Directory.Delete(_root, recursive: true);

    [Test]
    public async Task V2_freeze_returns_once_the_kernel_reports_frozen()
    {
        var freezer = Freezer(V2Mountinfo());
        var cgroup = CgroupDirectory(_root, "0\n", "populated 1\nfrozen 0\n");
        using var kernel = new CancellationTokenSource();
        var settling = SettleV2Async(cgroup, TimeSpan.FromMilliseconds(30), kernel.Token);

        await freezer.FreezeAsync(CgroupsPath, CancellationToken.None);
        var state = await freezer.GetStateAsync(CgroupsPath, CancellationToken.None);
        await kernel.CancelAsync();
        await settling;

        Assert.Multiple(async () =>
        {
            Assert.That(state, Is.EqualTo(FreezerState.Frozen));
            Assert.That(await File.ReadAllTextAsync(Path.Combine(cgroup, "cgroup.freeze")), Is.EqualTo("1"));
        });
    }

    [Test]
    public async Task V2_freeze_that_never_settles_times_out_and_thaws_back()
    {
        var freezer = Freezer(V2Mountinfo(), TimeSpan.FromMilliseconds(100));
        var cgroup = CgroupDirectory(_root, "0\n", "populated 1\nfrozen 0\n");

        var error = Assert.ThrowsAsync<RuntimeException>(() => freezer.FreezeAsync(CgroupsPath, CancellationToken.None));

        Assert.Multiple(async () =>
        {
            Assert.That(error!.Kind, Is.EqualTo(RuntimeErrorKind.Internal));
            Assert.That(await File.ReadAllTextAsync(Path.Combine(cgroup, "cgroup.freeze")), Is.EqualTo("0"), "left thawed, not half frozen");
        });
    }

    [Test]
    public async Task V2_requested_but_unsettled_freeze_reads_as_freezing()
    {
        var freezer = Freezer(V2Mountinfo());
        CgroupDirectory(_root, "1\n", "populated 1\nfrozen 0\n");

        Assert.That(await freezer.GetStateAsync(CgroupsPath, CancellationToken.None), Is.EqualTo(FreezerState.Freezing));
    }

    [Test]
    public async Task V1_freeze_and_thaw_write_freezer_state()
    {
        var hierarchy = Path.Combine(_root, "freezer");
        var freezer = Freezer($"37 31 0:34 / {hierarchy} rw,relatime - cgroup cgroup rw,freezer\n");
        var cgroup = Path.Combine(hierarchy, CgroupsPath.TrimStart('/'));
        Directory.CreateDirectory(cgroup);
        await File.WriteAllTextAsync(Path.Combine(cgroup, "freezer.state"), "THAWED\n");

        await freezer.FreezeAsync(CgroupsPath, CancellationToken.None);
        var frozen = await freezer.GetStateAsync(CgroupsPath, CancellationToken.None);
        await freezer.ThawAsync(CgroupsPath, CancellationToken.None);
        var thawed = await freezer.GetStateAsync(CgroupsPath, CancellationToken.None);

        Assert.That((frozen, thawed), Is.EqualTo(((FreezerState?)FreezerState.Frozen, (FreezerState?)FreezerState.Thawed)));
    }

    [Test]
    public async Task Missing_cgroup_is_no_state_and_cannot_be_frozen()
    {
        var freezer = Freezer(V2Mountinfo());

        var state = await freezer.GetStateAsync(CgroupsPath, CancellationToken.None);
        var freeze = Assert.ThrowsAsync<RuntimeException>(() => freezer.FreezeAsync(CgroupsPath, CancellationToken.None));
        var thaw = Assert.ThrowsAsync<RuntimeException>(() => freezer.ThawAsync(CgroupsPath, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(state, Is.Null);
            Assert.That(freeze!.Kind, Is.EqualTo(RuntimeErrorKind.NotFound));
            Assert.That(thaw!.Kind, Is.EqualTo(RuntimeErrorKind.NotFound));
        });
    }

    [Test]
    public void Host_without_a_freezer_is_a_failed_precondition()
    {
        var freezer = Freezer("32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n");

        var error = Assert.ThrowsAsync<RuntimeException>(() => freezer.FreezeAsync(CgroupsPath, CancellationToken.None));

        Assert.That(error!.Kind, Is.EqualTo(RuntimeErrorKind.FailedPrecondition));
    }

    private string V2Mountinfo() => $"26 22 0:23 / {_root} rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";

    private CgroupFreezer Freezer(string mountinfo, TimeSpan? freezeTimeout = null)
    {
        var mountinfoPath = Path.Combine(_root, "mountinfo");
        File.WriteAllText(mountinfoPath, mountinfo);
        var options = new RuntimeOptions { CgroupRoot = _root, FreezeTimeout = freezeTimeout ?? TimeSpan.FromSeconds(5) };
        return new CgroupFreezer(new CgroupHost(options, mountinfoPath), options, TimeProvider.System);
    }

    private static string CgroupDirectory(string root, string freeze, string events)
    {
        var directory = Path.Combine(root, CgroupsPath.TrimStart('/'));
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "cgroup.freeze"), freeze);
        File.WriteAllText(Path.Combine(directory, "cgroup.events"), events);
        return directory;
    }

    /// <summary>Plays the kernel: some time after cgroup.freeze says 1, cgroup.events says frozen.</summary>
    private static async Task SettleV2Async(string cgroup, TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if ((await File.ReadAllTextAsync(Path.Combine(cgroup, "cgroup.freeze"), cancellationToken)).Trim() == "1")
                {
                    await Task.Delay(delay, cancellationToken);
                    await File.WriteAllTextAsync(Path.Combine(cgroup, "cgroup.events"), "populated 1\nfrozen 1\n", cancellationToken);
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(2), cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The test finished first.
        }
    }
}
