using FaasD.Runtime.Cgroups;
using NUnit.Framework;

namespace FaasD.Runtime.Tests.Cgroups;

/// <summary>The usage reader against fake v1 and v2 cgroup filesystems in a temp directory.</summary>
public sealed class CgroupUsageReaderTests
{
    private const string Namespace = "openfaas-fn";
    private const string Id = "figlet";
    private const string Relative = "faasd/openfaas-fn/figlet";

    private string _root = "";

    [SetUp]
    public void CreateRoot() => _root = Directory.CreateTempSubdirectory("faasd-usage-").FullName;

    [TearDown]
    public void RemoveRoot() => Directory.Delete(_root, recursive: true);

    [Test]
    public async Task V1_reads_cpuacct_and_memory_minus_inactive_file()
    {
        var mountinfo = $"""
            33 31 0:30 / {_root}/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
            35 31 0:32 / {_root}/memory rw,relatime - cgroup cgroup rw,memory

            """;
        Write("cpu,cpuacct", "cpuacct.usage", "2500000000\n");
        Write("memory", "memory.usage_in_bytes", "104857600\n");
        Write("memory", "memory.stat", "cache 40000000\nrss 60000000\ninactive_file 1\ntotal_inactive_file 4857600\n");

        var usage = await Reader(mountinfo).GetUsageAsync(Namespace, Id, CancellationToken.None);

        Assert.That(usage, Is.EqualTo(new ContainerUsage(2.5, 100_000_000)));
    }

    [Test]
    public async Task V2_reads_cpu_stat_and_memory_current_minus_inactive_file()
    {
        var mountinfo = $"26 22 0:23 / {_root} rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";
        Write("", "cpu.stat", "usage_usec 1250000\nuser_usec 1000000\nsystem_usec 250000\n");
        Write("", "memory.current", "52428800\n");
        Write("", "memory.stat", "anon 40000000\nfile 12428800\ninactive_file 2428800\nactive_file 10000000\n");

        var usage = await Reader(mountinfo).GetUsageAsync(Namespace, Id, CancellationToken.None);

        Assert.That(usage, Is.EqualTo(new ContainerUsage(1.25, 50_000_000)));
    }

    [Test]
    public async Task No_cgroup_means_no_usage()
    {
        var mountinfo = $"26 22 0:23 / {_root} rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";

        Assert.That(await Reader(mountinfo).GetUsageAsync(Namespace, Id, CancellationToken.None), Is.Null);
    }

    [Test]
    public void Working_set_never_goes_negative() =>
        Assert.That(CgroupUsageReader.WorkingSet(used: 100, inactiveFile: 150), Is.Zero);

    [Test]
    public void Stat_value_matches_whole_keys_only() =>
        Assert.That(CgroupUsageReader.StatValue("total_inactive_file 7\ninactive_file 3\n", "inactive_file"), Is.EqualTo(3));

    private void Write(string hierarchy, string file, string content)
    {
        var directory = Path.Combine(_root, hierarchy, Relative);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, file), content);
    }

    private CgroupUsageReader Reader(string mountinfo)
    {
        var mountinfoPath = Path.Combine(_root, "mountinfo");
        File.WriteAllText(mountinfoPath, mountinfo);
        var options = new RuntimeOptions { CgroupRoot = _root };
        return new CgroupUsageReader(new CgroupHost(options, mountinfoPath), options);
    }
}
