using System.Text.Json;
using FaasD.Runtime.Cgroups;
using FaasD.Runtime.Oci;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;

namespace FaasD.Runtime.Tests.Oci;

public sealed class OciSpecBuilderTests
{
    private const string NetnsPath = "/var/run/netns/openfaas-fn-figlet";
    private const string CgroupsPath = "/faasd/openfaas-fn/figlet";

    private static readonly ImageProcessConfig s_image = new()
    {
        Entrypoint = ["/usr/bin/fwatchdog"],
        Cmd = ["--verbose"],
        Env = ["PATH=/usr/local/bin:/usr/bin:/bin", "fprocess=figlet", "mode=streaming"],
        WorkingDir = "/home/app",
        User = "app",
    };

    private static ContainerSpec Spec(Func<ContainerSpec, ContainerSpec>? change = null)
    {
        var spec = new ContainerSpec { Namespace = "openfaas-fn", Id = "figlet", Image = "127.0.0.1:5000/figlet:latest" };
        return change is null ? spec : change(spec);
    }

    private static OciSpec Build(ContainerSpec spec, CgroupControllers controllers = CgroupControllers.Memory | CgroupControllers.Cpu | CgroupControllers.Freezer, ImageProcessConfig? image = null) =>
        new OciSpecBuilder(new RuntimeOptions(), NullLogger<OciSpecBuilder>.Instance)
            .Build(spec, new OciSpecContext(image ?? s_image, new ProcessUser(1000, 1000, [10]), NetnsPath, CgroupsPath, controllers));

    private static readonly object[] s_argsCases =
    [
        new object?[] { null, new[] { "/usr/bin/fwatchdog", "--verbose" } },
        new object?[] { Array.Empty<string>(), new[] { "/usr/bin/fwatchdog", "--verbose" } },
        new object?[] { new[] { "/bin/httpd", "-f" }, new[] { "/bin/httpd", "-f" } },
    ];

    [TestCaseSource(nameof(s_argsCases))]
    public void Args_replace_entrypoint_and_cmd_only_when_given(string[]? args, string[] expected)
    {
        var oci = Build(Spec(s => s with { Args = args }));

        Assert.That(oci.Process.Args, Is.EqualTo(expected));
    }

    [Test]
    public void No_command_anywhere_is_an_invalid_argument()
    {
        var error = Assert.Throws<RuntimeException>(() => Build(Spec(), image: new ImageProcessConfig()));

        Assert.That(error!.Kind, Is.EqualTo(RuntimeErrorKind.InvalidArgument));
    }

    private static readonly object[] s_envCases =
    [
        new object[] { Array.Empty<string>(), new[] { "PATH=/usr/local/bin:/usr/bin:/bin", "fprocess=figlet", "mode=streaming" } },
        new object[] { new[] { "fprocess=cat" }, new[] { "PATH=/usr/local/bin:/usr/bin:/bin", "fprocess=cat", "mode=streaming" } },
        new object[] { new[] { "extra=1", "mode=http" }, new[] { "PATH=/usr/local/bin:/usr/bin:/bin", "fprocess=figlet", "mode=http", "extra=1" } },
        new object[] { new[] { "a=1", "a=2" }, new[] { "PATH=/usr/local/bin:/usr/bin:/bin", "fprocess=figlet", "mode=streaming", "a=2" } },
        new object[] { new[] { "eq=x=y" }, new[] { "PATH=/usr/local/bin:/usr/bin:/bin", "fprocess=figlet", "mode=streaming", "eq=x=y" } },
    ];

    [TestCaseSource(nameof(s_envCases))]
    public void Env_is_merged_by_key_over_the_image(string[] overrides, string[] expected)
    {
        var oci = Build(Spec(s => s with { Env = overrides }));

        Assert.That(oci.Process.Env, Is.EqualTo(expected));
    }

    [Test]
    public void Default_path_is_there_when_the_image_has_none()
    {
        var oci = Build(Spec(), image: s_image with { Env = [] });

        Assert.That(oci.Process.Env, Is.EqualTo(new[] { OciDefaults.DefaultPath }));
    }

    [Test]
    public void Working_directory_comes_from_the_spec_then_the_image_then_root()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Build(Spec(s => s with { WorkingDirectory = "/srv" })).Process.Cwd, Is.EqualTo("/srv"));
            Assert.That(Build(Spec()).Process.Cwd, Is.EqualTo("/home/app"));
            Assert.That(Build(Spec(), image: s_image with { WorkingDir = "" }).Process.Cwd, Is.EqualTo("/"));
        });
    }

    [Test]
    public void Relative_working_directory_is_rejected()
    {
        var error = Assert.Throws<RuntimeException>(() => Build(Spec(s => s with { WorkingDirectory = "srv" })));

        Assert.That(error!.Kind, Is.EqualTo(RuntimeErrorKind.InvalidArgument));
    }

    [Test]
    public void Process_runs_as_the_resolved_user()
    {
        var user = Build(Spec()).Process.User;

        Assert.Multiple(() =>
        {
            Assert.That(user.Uid, Is.EqualTo(1000));
            Assert.That(user.Gid, Is.EqualTo(1000));
            Assert.That(user.AdditionalGids, Is.EqualTo(new uint[] { 10 }));
        });
    }

    [Test]
    public void Namespaces_are_the_defaults_with_the_network_namespace_by_path()
    {
        var namespaces = Build(Spec()).Linux.Namespaces;

        Assert.That(namespaces, Is.EqualTo(new[]
        {
            new OciNamespace("pid"),
            new OciNamespace("ipc"),
            new OciNamespace("uts"),
            new OciNamespace("mount"),
            new OciNamespace("network", NetnsPath),
        }));
    }

    [Test]
    public void Standard_mounts_then_bind_mounts_with_their_mode()
    {
        var oci = Build(Spec(s => s with
        {
            Mounts =
            [
                new BindMount("/var/lib/faasd/hosts", "/etc/hosts", ReadOnly: true),
                new BindMount("/var/lib/faasd/secrets/openfaas-fn/key", "/var/openfaas/secrets/key", ReadOnly: true),
                new BindMount("/srv/data", "/data", ReadOnly: false),
            ],
        }));

        Assert.Multiple(() =>
        {
            Assert.That(oci.Mounts.Select(m => m.Destination), Is.EqualTo(new[]
            {
                "/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup", "/run",
                "/etc/hosts", "/var/openfaas/secrets/key", "/data",
            }));
            Assert.That(oci.Mounts.Single(m => m.Destination == "/sys").Options, Does.Contain("ro"));
            Assert.That(oci.Mounts.Single(m => m.Destination == "/sys/fs/cgroup").Options, Does.Contain("ro"));
            Assert.That(oci.Mounts.Single(m => m.Destination == "/etc/hosts"),
                Is.EqualTo(new OciMount("/etc/hosts", "bind", "/var/lib/faasd/hosts", ["rbind", "ro"])).Using(new MountComparer()));
            Assert.That(oci.Mounts.Single(m => m.Destination == "/data").Options, Is.EqualTo(new[] { "rbind", "rw" }));
        });
    }

    [Test]
    public void Relative_mount_destination_is_rejected()
    {
        var error = Assert.Throws<RuntimeException>(() => Build(Spec(s => s with { Mounts = [new BindMount("/a", "etc/hosts", true)] })));

        Assert.That(error!.Kind, Is.EqualTo(RuntimeErrorKind.InvalidArgument));
    }

    [Test]
    public void Read_only_root_sets_root_readonly_and_adds_a_writable_tmp()
    {
        var readOnly = Build(Spec(s => s with { ReadOnlyRootFilesystem = true }));
        var writable = Build(Spec());

        Assert.Multiple(() =>
        {
            Assert.That(readOnly.Root, Is.EqualTo(new OciRoot("rootfs", Readonly: true)));
            Assert.That(readOnly.Mounts.Select(m => m.Destination), Does.Contain("/tmp"));
            Assert.That(writable.Root, Is.EqualTo(new OciRoot("rootfs", Readonly: false)));
            Assert.That(writable.Mounts.Select(m => m.Destination), Does.Not.Contain("/tmp"));
        });
    }

    [Test]
    public void Limits_are_written_when_their_controllers_exist()
    {
        var resources = Build(Spec(s => s with { MemoryLimitBytes = 128L << 20, CpuMillis = 500 })).Linux.Resources;

        Assert.Multiple(() =>
        {
            Assert.That(resources.Memory, Is.EqualTo(new OciMemory(128L << 20)));
            Assert.That(resources.Cpu, Is.EqualTo(new OciCpu(Quota: 50_000, Period: 100_000)));
        });
    }

    [TestCase("cpu", false, true)]
    [TestCase("memory", true, false)]
    [TestCase("", false, false)]
    public void Limits_are_skipped_when_their_controller_is_absent(string controller, bool memory, bool cpu)
    {
        var available = CgroupControllers.Freezer | controller switch
        {
            "cpu" => CgroupControllers.Cpu,
            "memory" => CgroupControllers.Memory,
            _ => CgroupControllers.None,
        };

        var resources = Build(Spec(s => s with { MemoryLimitBytes = 64L << 20, CpuMillis = 250 }), available).Linux.Resources;

        Assert.Multiple(() =>
        {
            Assert.That(resources.Memory is not null, Is.EqualTo(memory));
            Assert.That(resources.Cpu is not null, Is.EqualTo(cpu));
        });
    }

    [Test]
    public void No_limits_asked_means_none_written()
    {
        var resources = Build(Spec()).Linux.Resources;

        Assert.That((resources.Memory, resources.Cpu), Is.EqualTo(((OciMemory?)null, (OciCpu?)null)));
    }

    [Test]
    public void Tiny_cpu_limit_is_raised_to_the_kernel_minimum_quota()
    {
        var cpu = Build(Spec(s => s with { CpuMillis = 1 })).Linux.Resources.Cpu;

        Assert.That(cpu!.Quota, Is.EqualTo(1000));
    }

    [Test]
    public void Cgroups_path_hostname_and_hardening()
    {
        var oci = Build(Spec());

        Assert.Multiple(() =>
        {
            Assert.That(oci.Linux.CgroupsPath, Is.EqualTo(CgroupsPath));
            Assert.That(oci.Hostname, Is.EqualTo("figlet"));
            Assert.That(oci.Process.NoNewPrivileges, Is.True);
            Assert.That(oci.Linux.MaskedPaths, Does.Contain("/proc/kcore"));
            Assert.That(oci.Linux.ReadonlyPaths, Does.Contain("/proc/sys"));
            Assert.That(oci.Linux.Resources.Devices, Is.EqualTo(new[] { new OciDeviceRule(false, "rwm") }));
            Assert.That(oci.Process.Capabilities.Bounding, Is.EqualTo(OciDefaults.Capabilities));
            Assert.That(oci.Process.Rlimits, Is.EqualTo(new[] { new OciRlimit("RLIMIT_NOFILE", 1024, 1024) }));
        });
    }

    [Test]
    public void Hostname_and_capabilities_can_be_given()
    {
        var oci = Build(Spec(s => s with { Hostname = "fn", Capabilities = ["CAP_NET_RAW"] }));

        Assert.Multiple(() =>
        {
            Assert.That(oci.Hostname, Is.EqualTo("fn"));
            Assert.That(oci.Process.Capabilities.Bounding, Is.EqualTo(new[] { "CAP_NET_RAW" }));
            Assert.That(oci.Process.Capabilities.Effective, Is.EqualTo(new[] { "CAP_NET_RAW" }));
            Assert.That(oci.Process.Capabilities.Permitted, Is.EqualTo(new[] { "CAP_NET_RAW" }));
        });
    }

    [Test]
    public void Json_uses_the_runtime_spec_field_names()
    {
        var json = JsonDocument.Parse(OciJson.Serialize(Build(Spec(s => s with { MemoryLimitBytes = 1 << 20, ReadOnlyRootFilesystem = true })))).RootElement;

        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("ociVersion").GetString(), Is.EqualTo("1.0.2-dev"));
            Assert.That(json.GetProperty("root").GetProperty("readonly").GetBoolean(), Is.True);
            Assert.That(json.GetProperty("process").GetProperty("noNewPrivileges").GetBoolean(), Is.True);
            Assert.That(json.GetProperty("process").GetProperty("user").GetProperty("additionalGids")[0].GetUInt32(), Is.EqualTo(10));
            Assert.That(json.GetProperty("linux").GetProperty("cgroupsPath").GetString(), Is.EqualTo(CgroupsPath));
            Assert.That(json.GetProperty("linux").GetProperty("resources").GetProperty("memory").GetProperty("limit").GetInt64(), Is.EqualTo(1 << 20));
            Assert.That(json.GetProperty("linux").GetProperty("resources").TryGetProperty("cpu", out _), Is.False, "absent limits are omitted");
            Assert.That(json.GetProperty("linux").GetProperty("namespaces")[0].TryGetProperty("path", out _), Is.False, "only the network namespace has a path");
            Assert.That(json.GetProperty("linux").GetProperty("namespaces")[4].GetProperty("path").GetString(), Is.EqualTo(NetnsPath));
        });
    }

    private sealed class MountComparer : IEqualityComparer<OciMount>
    {
        public bool Equals(OciMount? x, OciMount? y) =>
            x is not null && y is not null && x.Destination == y.Destination && x.Type == y.Type && x.Source == y.Source && x.Options.SequenceEqual(y.Options);

        public int GetHashCode(OciMount obj) => obj.Destination.GetHashCode(StringComparison.Ordinal);
    }

    [Test]
    public void A_shim_group_is_written_as_the_runc_shim_grouping_annotation()
    {
        var json = JsonDocument.Parse(OciJson.Serialize(Build(Spec(s => s with { ShimGroup = "faasd-functions" })))).RootElement;

        Assert.That(json.GetProperty("annotations").GetProperty("io.containerd.runc.v2.group").GetString(), Is.EqualTo("faasd-functions"));
    }

    [Test]
    public void Without_a_shim_group_the_spec_has_no_annotations()
    {
        var json = JsonDocument.Parse(OciJson.Serialize(Build(Spec()))).RootElement;

        Assert.That(json.TryGetProperty("annotations", out _), Is.False);
    }
}
