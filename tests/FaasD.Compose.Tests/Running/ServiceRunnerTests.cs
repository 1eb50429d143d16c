using FaasD.Compose.Running;
using FaasD.Runtime;
using NUnit.Framework;

namespace FaasD.Compose.Tests.Running;

public sealed class ServiceRunnerTests
{
    private const string Ns = "openfaas-test";
    private const string TwoServices = "services:\n  db:\n    image: redis\n    volumes: [\"./db:/data\", \"cache:/cache\"]\n  app:\n    image: app:1\n    depends_on: [db]\n";

    [Test]
    public async Task FirstUpCreatesInDependencyOrderAndWritesHosts()
    {
        using var fixture = new ServiceRunnerFixture();
        var outcomes = await fixture.Project.UpAsync(fixture.Parse(TwoServices), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcomes, Is.EquivalentTo(new Dictionary<string, ServiceStartOutcome> { ["db"] = ServiceStartOutcome.Created, ["app"] = ServiceStartOutcome.Created }));
            Assert.That(fixture.Runtime.CallsOf("start"), Is.EqualTo(new[] { "db", "app" }));
            Assert.That(fixture.HostsText(), Does.Contain($"{fixture.Addresses.Find("db")}\tdb\n").And.Contains($"{fixture.Addresses.Find("app")}\tapp\n"));
            Assert.That(fixture.HostsText(), Does.StartWith("127.0.0.1\tlocalhost\n").And.Contains("10.62.0.1\tgateway\n"));
            Assert.That(Directory.Exists(fixture.State.Combine("db")), "bind source created");
            Assert.That(Directory.Exists(fixture.State.Combine("volumes", "cache")), "named volume created");
            Assert.That(fixture.Logs.Followed.Select(f => (f.Namespace, f.Service)), Is.EquivalentTo(new[] { (Ns, "db"), (Ns, "app") }));
        });
    }

    [Test]
    public async Task AContainerFaasDDidNotCreate_IsNeverReplaced_TheServiceFails()
    {
        // Issue 11 item 2: someone's container named like a service (ctr run -n openfaas … db) is left alone.
        using var fixture = new ServiceRunnerFixture();
        await fixture.Runtime.CreateContainerAsync(
            new ContainerSpec { Namespace = Ns, Id = "db", Image = "their/db", Labels = new Dictionary<string, string> { ["owner"] = "someone-else" } },
            CancellationToken.None);
        fixture.Runtime.Calls.Clear();

        var outcomes = await fixture.Project.UpAsync(fixture.Parse(TwoServices), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcomes["db"], Is.EqualTo(ServiceStartOutcome.Failed));
            Assert.That(fixture.Runtime.CallsOf("delete"), Is.Empty);
            Assert.That(fixture.Runtime.CallsOf("stop"), Is.Empty);
            Assert.That(fixture.Runtime.Container(Ns, "db")!.Image, Is.EqualTo("their/db"));
        });
    }

    [Test]
    public async Task AppStartsOnlyAfterItsDependencyTaskRuns()
    {
        using var fixture = new ServiceRunnerFixture();
        await fixture.Project.UpAsync(fixture.Parse(TwoServices), CancellationToken.None);
        var calls = fixture.Runtime.Calls.ToList();
        Assert.That(calls.IndexOf("start db"), Is.LessThan(calls.IndexOf("create app")));
    }

    [Test]
    public async Task UnchangedRunningServicesAreAdoptedNotRestarted()
    {
        using var fixture = new ServiceRunnerFixture();
        var project = fixture.Parse(TwoServices);
        await fixture.Project.UpAsync(project, CancellationToken.None);
        fixture.Runtime.Calls.Clear();

        var outcomes = await fixture.Project.UpAsync(project, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcomes.Values, Is.All.EqualTo(ServiceStartOutcome.Adopted));
            Assert.That(fixture.Runtime.Calls.Where(c => !c.StartsWith("pull", StringComparison.Ordinal)), Is.Empty);
        });
    }

    [Test]
    public async Task OnlyTheChangedServiceIsRecreatedAndItsDataStays()
    {
        using var fixture = new ServiceRunnerFixture();
        await fixture.Project.UpAsync(fixture.Parse(TwoServices), CancellationToken.None);
        await File.WriteAllTextAsync(fixture.State.Combine("db", "dump.rdb"), "data");
        fixture.Runtime.Calls.Clear();

        var outcomes = await fixture.Project.UpAsync(fixture.Parse(TwoServices.Replace("image: redis", "image: redis:7", StringComparison.Ordinal)), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcomes["db"], Is.EqualTo(ServiceStartOutcome.Recreated));
            Assert.That(outcomes["app"], Is.EqualTo(ServiceStartOutcome.Adopted));
            Assert.That(fixture.Runtime.CallsOf("delete"), Is.EqualTo(new[] { "db" }));
            Assert.That(fixture.Runtime.Container(Ns, "db")!.Image, Is.EqualTo("redis:7"));
            Assert.That(File.ReadAllText(fixture.State.Combine("db", "dump.rdb")), Is.EqualTo("data"));
        });
    }

    [Test]
    public async Task StoppedTaskIsClearedAndStartedAgain()
    {
        using var fixture = new ServiceRunnerFixture();
        var project = fixture.Parse(TwoServices);
        await fixture.Project.UpAsync(project, CancellationToken.None);
        fixture.Runtime.SetTask(Ns, "db", TaskState.Stopped);
        fixture.Runtime.Calls.Clear();

        var outcomes = await fixture.Project.UpAsync(project, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcomes["db"], Is.EqualTo(ServiceStartOutcome.Started));
            Assert.That(fixture.Runtime.Calls.Where(c => !c.StartsWith("pull", StringComparison.Ordinal)), Is.EqualTo(new[] { "stop db", "start db" }));
        });
    }

    [Test]
    public async Task ServicesRemovedFromTheFileAreDeletedButOthersAreNot()
    {
        using var fixture = new ServiceRunnerFixture();
        await fixture.Project.UpAsync(fixture.Parse(TwoServices), CancellationToken.None);
        await fixture.Runtime.CreateContainerAsync(new ContainerSpec { Namespace = Ns, Id = "not-ours", Image = "x" }, CancellationToken.None);

        await fixture.Project.UpAsync(fixture.Parse("services:\n  db:\n    image: redis\n    volumes: [\"./db:/data\", \"cache:/cache\"]\n"), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(fixture.Runtime.CallsOf("delete"), Is.EqualTo(new[] { "app" }));
            Assert.That(fixture.HostsText(), Does.Not.Contain("\tapp"));
        });
    }

    [Test]
    public async Task AFailedServiceStopsOnlyItsDependents()
    {
        using var fixture = new ServiceRunnerFixture();
        fixture.Runtime.FailingStarts["db"] = true;
        var outcomes = await fixture.Project.UpAsync(
            fixture.Parse(TwoServices + "  other:\n    image: o\n"), CancellationToken.None);

        Assert.That(outcomes, Is.EquivalentTo(new Dictionary<string, ServiceStartOutcome>
        {
            ["db"] = ServiceStartOutcome.Failed,
            ["app"] = ServiceStartOutcome.Failed,
            ["other"] = ServiceStartOutcome.Created,
        }));
    }

    [Test]
    public async Task ImagesArePulledBeforeAnyServiceIsCreated()
    {
        using var fixture = new ServiceRunnerFixture();
        await fixture.Project.UpAsync(fixture.Parse(TwoServices), CancellationToken.None);
        var calls = fixture.Runtime.Calls.ToList();
        Assert.That(calls.IndexOf("pull app:1"), Is.LessThan(calls.IndexOf("start db")), "app's image is fetched while db starts, not after");
    }

    [Test]
    public async Task DownStopsDependentsFirst()
    {
        using var fixture = new ServiceRunnerFixture();
        var project = fixture.Parse(TwoServices);
        await fixture.Project.UpAsync(project, CancellationToken.None);
        fixture.Runtime.Calls.Clear();

        await fixture.Project.DownAsync(project, CancellationToken.None);

        Assert.That(fixture.Runtime.Calls, Is.EqualTo(new[] { "stop app", "stop db" }));
    }

    [Test]
    public void ServiceSpecCarriesHostsMountLabelsAndArgs()
    {
        using var fixture = new ServiceRunnerFixture();
        File.WriteAllText(fixture.Options.ResolvedResolvConfFile, "nameserver 8.8.8.8\n");
        var project = fixture.Parse("services:\n  kv:\n    image: busybox\n    entrypoint: [\"/bin/sh\", \"-c\"]\n    command: [\"echo hi\"]\n    cap_add: [NET_ADMIN]\n    cap_drop: [MKNOD]\n");

        var spec = new ServiceSpecBuilder(fixture.Options).Build(project.Services[0]);

        Assert.Multiple(() =>
        {
            Assert.That(spec.Args, Is.EqualTo(new[] { "/bin/sh", "-c", "echo hi" }));
            Assert.That(spec.Hostname, Is.EqualTo("kv"));
            Assert.That(spec.Labels[ComposeLabels.Service], Is.EqualTo("kv"));
            Assert.That(spec.Mounts, Does.Contain(new BindMount(fixture.Options.ResolvedHostsFile, "/etc/hosts", ReadOnly: true)));
            Assert.That(spec.Mounts, Does.Contain(new BindMount(fixture.Options.ResolvedResolvConfFile, "/etc/resolv.conf", ReadOnly: true)));
            Assert.That(spec.Capabilities, Does.Contain("CAP_NET_ADMIN").And.Contain("CAP_CHOWN").And.Not.Contain("CAP_MKNOD"));
        });
    }
}
