using FaasD.Runtime.Cgroups;
using NUnit.Framework;

namespace FaasD.Runtime.Tests.Cgroups;

public sealed class CgroupLayoutTests
{
    // Debian bookworm VM without systemd as PID 1: v1 controllers plus a controller-less cgroup2 mount.
    private const string HybridMountinfo = """
        22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
        31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
        32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
        33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
        35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
        37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
        40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
        41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
        """;

    // Raspberry Pi OS / fresh Debian with systemd: one unified hierarchy at the root.
    private const string UnifiedMountinfo = """
        22 1 179:2 / / rw,noatime shared:1 - ext4 /dev/root rw
        26 22 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
        """;

    // Older systemd hosts co-mount cpu and cpuacct and have no freezer mounted.
    private const string ComountedMountinfo = """
        31 23 0:28 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
        33 31 0:30 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,cpu,cpuacct
        """;

    [Test]
    public void Hybrid_host_is_v1_with_each_controller_at_its_mount()
    {
        var layout = CgroupLayout.Parse(HybridMountinfo, "/sys/fs/cgroup");

        Assert.Multiple(() =>
        {
            Assert.That(layout.Version, Is.EqualTo(CgroupVersion.V1));
            Assert.That(layout.V1HierarchyOf("memory"), Is.EqualTo("/sys/fs/cgroup/memory"));
            Assert.That(layout.V1Controllers(), Is.EqualTo(CgroupControllers.Memory | CgroupControllers.Cpu | CgroupControllers.Freezer));
            Assert.That(layout.FreezerDirectoryOf("/faasd/openfaas-fn/figlet"), Is.EqualTo("/sys/fs/cgroup/freezer/faasd/openfaas-fn/figlet"));
        });
    }

    [Test]
    public void Unified_host_is_v2_with_the_freezer_in_the_root_hierarchy()
    {
        var layout = CgroupLayout.Parse(UnifiedMountinfo, "/sys/fs/cgroup/");

        Assert.Multiple(() =>
        {
            Assert.That(layout.Version, Is.EqualTo(CgroupVersion.V2));
            Assert.That(layout.V1HierarchyOf("memory"), Is.Null);
            Assert.That(layout.FreezerDirectoryOf("/faasd/openfaas-fn/figlet"), Is.EqualTo("/sys/fs/cgroup/faasd/openfaas-fn/figlet"));
        });
    }

    [Test]
    public void Comounted_controllers_share_a_hierarchy_and_a_missing_freezer_is_reported()
    {
        var layout = CgroupLayout.Parse(ComountedMountinfo, "/sys/fs/cgroup");

        Assert.Multiple(() =>
        {
            Assert.That(layout.V1HierarchyOf("cpu"), Is.EqualTo("/sys/fs/cgroup/cpu,cpuacct"));
            Assert.That(layout.V1Controllers(), Is.EqualTo(CgroupControllers.Cpu));
            Assert.That(layout.FreezerDirectoryOf("/faasd/x"), Is.Null);
        });
    }

    [Test]
    public void Escaped_mount_points_are_decoded()
    {
        var layout = CgroupLayout.Parse("37 31 0:34 / /cg\\040root/freezer rw - cgroup cgroup rw,freezer", "/sys/fs/cgroup");

        Assert.That(layout.V1HierarchyOf("freezer"), Is.EqualTo("/cg root/freezer"));
    }

    [TestCase("cpuset cpu io memory hugetlb pids rdma misc\n", (int)(CgroupControllers.Memory | CgroupControllers.Cpu | CgroupControllers.Freezer))]
    [TestCase("cpuset io pids\n", (int)CgroupControllers.Freezer)]
    [TestCase("", (int)CgroupControllers.Freezer)]
    public void V2_controllers_are_read_from_cgroup_controllers(string content, int expected)
    {
        Assert.That(CgroupLayout.ParseV2Controllers(content), Is.EqualTo((CgroupControllers)expected));
    }
}
