using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using FaasD.Containerd.Errors;
using FaasD.TestSupport;
using FaasD.TestSupport.Images;
using NUnit.Framework;
using NamespacesApi = FaasD.Containerd.Api.Namespaces;
using SnapshotsApi = FaasD.Containerd.Api.Snapshots;
using TasksApi = FaasD.Containerd.Api.Tasks;

namespace FaasD.Runtime.Tests.Lifecycle;

[Integration]
public sealed partial class ContainerRuntimeLifecycleTests
{
    private const string Id = "httpd";

    [Test]
    public async Task Create_start_serve_pause_resume_stop_delete_leaves_nothing_behind()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        await using var host = RuntimeTestHost.Create();
        var runtime = host.Runtime;
        var ns = host.Namespace;
        var payload = Encoding.UTF8.GetBytes(new string('p', 64 * 1024));

        await runtime.EnsureNamespaceAsync(ns, new Dictionary<string, string> { ["openfaas"] = "1" }, ct);
        await host.PullTestImageAsync(ct);

        var clock = Stopwatch.StartNew();
        await runtime.CreateContainerAsync(new ContainerSpec
        {
            Namespace = ns,
            Id = Id,
            Image = host.Image,
            Labels = new Dictionary<string, string> { ["com.openfaas.function"] = Id },
            Payload = payload,
        }, ct);
        var created = clock.Elapsed;
        var started = await runtime.StartTaskAsync(ns, Id, ct);
        var running = clock.Elapsed;
        var body = await FunctionHttp.WaitForAnswerAsync(started.Address!, TimeSpan.FromSeconds(10), ct);
        var answered = clock.Elapsed;
        TestContext.Progress.WriteLine(
            $"create {created.TotalMilliseconds:F0} ms, start task (network + create + start) {(running - created).TotalMilliseconds:F0} ms, " +
            $"first HTTP answer {(answered - running).TotalMilliseconds:F0} ms later; create to first answer {answered.TotalMilliseconds:F0} ms");

        var record = await runtime.GetContainerAsync(ns, Id, ct);
        var attachmentRecord = await File.ReadAllTextAsync(Directory.GetFiles(Path.Combine(Path.GetDirectoryName(host.IpamDirectory)!, "network")).Single(), ct);
        var hostVeths = VethName().Matches(attachmentRecord).Select(m => m.Value).Distinct().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(body, Is.EqualTo(BusyboxHttpd.IndexText));
            Assert.That(started.State, Is.EqualTo(TaskState.Running));
            Assert.That(started.Pid, Is.GreaterThan(0));
            Assert.That(File.Exists(host.NetnsPathOf(Id)), Is.True);
            Assert.That(hostVeths, Has.Count.EqualTo(1), "the host end of the container's veth");
            Assert.That(Directory.Exists($"/sys/class/net/{hostVeths[0]}"), Is.True);
            Assert.That(record!.Image, Is.EqualTo(host.Image));
            Assert.That(record.Labels["com.openfaas.function"], Is.EqualTo(Id));
            Assert.That(record.Payload.ToArray(), Is.EqualTo(payload), "payload round-trips through the container extension");
        });

        await runtime.PauseAsync(ns, Id, ct);
        var paused = await runtime.GetTaskAsync(ns, Id, ct);
        var whilePaused = await FunctionHttp.TryGetAsync(started.Address!, TimeSpan.FromSeconds(1), ct);
        await runtime.ResumeAsync(ns, Id, ct);
        var resumed = await runtime.GetTaskAsync(ns, Id, ct);
        var afterResume = await FunctionHttp.TryGetAsync(started.Address!, TimeSpan.FromSeconds(2), ct);
        Assert.Multiple(() =>
        {
            Assert.That(paused.State, Is.EqualTo(TaskState.Paused));
            Assert.That(paused.Address, Is.EqualTo(started.Address));
            Assert.That(whilePaused, Is.Null, "a frozen function must not answer");
            Assert.That(resumed.State, Is.EqualTo(TaskState.Running));
            Assert.That(afterResume, Is.EqualTo(BusyboxHttpd.IndexText));
        });

        await runtime.StopTaskAsync(ns, Id, TimeSpan.FromSeconds(1), ct);
        var afterStop = await runtime.GetTaskAsync(ns, Id, ct);
        await runtime.DeleteContainerAsync(ns, Id, ct);

        Assert.Multiple(async () =>
        {
            Assert.That(afterStop, Is.EqualTo(new TaskInfo(TaskState.None, 0, null)));
            Assert.That(await runtime.GetContainerAsync(ns, Id, ct), Is.Null);
            Assert.That(await runtime.ListContainersAsync(ns, ct), Is.Empty);
            Assert.That(await SnapshotExistsAsync(host, Id + "-snapshot", ct), Is.False, "snapshot");
            Assert.That(await TaskExistsAsync(host, Id, ct), Is.False, "task");
            Assert.That(File.Exists(host.NetnsPathOf(Id)), Is.False, "netns file");
            Assert.That(File.Exists(Path.Combine(host.IpamDirectory, host.NetworkName, started.Address!.ToString())), Is.False, "IP lease");
            Assert.That(Directory.Exists($"/sys/class/net/{hostVeths[0]}"), Is.False, "veth");
            Assert.That(File.Exists(runtime.LogPathFor(ns, Id)), Is.False, "log file");
        });
    }

    [Test]
    public async Task Listing_returns_every_container_with_its_payload()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var ct = timeout.Token;
        await using var host = RuntimeTestHost.Create();
        await host.PullTestImageAsync(ct);

        foreach (var id in new[] { "one", "two" })
        {
            await host.Runtime.CreateContainerAsync(new ContainerSpec
            {
                Namespace = host.Namespace,
                Id = id,
                Image = host.Image,
                Payload = Encoding.UTF8.GetBytes("deployment of " + id),
            }, ct);
        }

        var listed = await host.Runtime.ListContainersAsync(host.Namespace, ct);

        Assert.That(
            listed.Select(c => (c.Id, Encoding.UTF8.GetString(c.Payload.Span))).OrderBy(c => c.Id),
            Is.EqualTo(new[] { ("one", "deployment of one"), ("two", "deployment of two") }));
    }

    [Test]
    public async Task Ensure_namespace_creates_then_adds_and_updates_labels_keeping_others()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var ct = timeout.Token;
        await using var host = RuntimeTestHost.Create();

        await host.Runtime.EnsureNamespaceAsync(host.Namespace, new Dictionary<string, string> { ["openfaas"] = "1", ["keep"] = "me" }, ct);
        await host.Runtime.EnsureNamespaceAsync(host.Namespace, new Dictionary<string, string> { ["openfaas"] = "true", ["team"] = "a" }, ct);
        await host.Runtime.EnsureNamespaceAsync(host.Namespace, new Dictionary<string, string> { ["openfaas"] = "true" }, ct);

        var stored = await host.Scope.Namespaces.GetAsync(new NamespacesApi.GetNamespaceRequest { Name = host.Namespace }, cancellationToken: ct);
        Assert.That(stored.Namespace.Labels, Is.EquivalentTo(new Dictionary<string, string> { ["openfaas"] = "true", ["keep"] = "me", ["team"] = "a" }));
    }

    internal static async Task<bool> SnapshotExistsAsync(RuntimeTestHost host, string key, CancellationToken ct)
    {
        try
        {
            await host.Scope.Snapshots.StatAsync(new SnapshotsApi.StatSnapshotRequest { Snapshotter = "overlayfs", Key = key }, cancellationToken: ct);
            return true;
        }
        catch (ContainerdException exception) when (exception.Kind == ContainerdErrorKind.NotFound)
        {
            return false;
        }
    }

    internal static async Task<bool> TaskExistsAsync(RuntimeTestHost host, string id, CancellationToken ct)
    {
        try
        {
            await host.Scope.Tasks.GetAsync(new TasksApi.GetRequest { ContainerId = id }, cancellationToken: ct);
            return true;
        }
        catch (ContainerdException exception) when (exception.Kind == ContainerdErrorKind.NotFound)
        {
            return false;
        }
    }

    [GeneratedRegex("veth[0-9a-f]{8}")]
    private static partial Regex VethName();
}
