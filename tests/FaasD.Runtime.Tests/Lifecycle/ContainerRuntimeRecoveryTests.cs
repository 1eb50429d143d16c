using System.Diagnostics;
using FaasD.TestSupport;
using FaasD.TestSupport.Images;
using NUnit.Framework;
using SnapshotsApi = FaasD.Containerd.Api.Snapshots;
using TasksApi = FaasD.Containerd.Api.Tasks;

namespace FaasD.Runtime.Tests.Lifecycle;

/// <summary>Each operation cut short (by a crash, simulated by doing only its first steps) completes when run again.</summary>
[Integration]
public sealed class ContainerRuntimeRecoveryTests
{
    private const string Id = "recover";

    [Test]
    public async Task Start_completes_a_task_that_was_created_but_never_started()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var ct = timeout.Token;
        await using var host = await HostWithContainerAsync(ct);

        // What StartTaskAsync does up to the crash: network attached, task created, no Start.
        var clock = Stopwatch.StartNew();
        var attachment = await host.Network.AttachAsync(host.NetworkIdOf(Id), ct);
        var attached = clock.Elapsed;
        var mounts = await host.Scope.Snapshots.MountsAsync(new SnapshotsApi.MountsRequest { Snapshotter = "overlayfs", Key = Id + "-snapshot" }, cancellationToken: ct);
        clock.Restart();
        await host.Scope.Tasks.CreateAsync(new TasksApi.CreateTaskRequest { ContainerId = Id, Rootfs = { mounts.Mounts } }, cancellationToken: ct);
        var created = clock.Elapsed;
        var before = await host.Runtime.GetTaskAsync(host.Namespace, Id, ct);

        clock.Restart();
        var started = await host.Runtime.StartTaskAsync(host.Namespace, Id, ct);
        TestContext.Progress.WriteLine(
            $"network attach {attached.TotalMilliseconds:F0} ms, Tasks.Create {created.TotalMilliseconds:F0} ms, completing start {clock.Elapsed.TotalMilliseconds:F0} ms");

        Assert.Multiple(async () =>
        {
            Assert.That(before.State, Is.EqualTo(TaskState.Created));
            Assert.That(started.State, Is.EqualTo(TaskState.Running));
            Assert.That(started.Address, Is.EqualTo(attachment.Address), "the existing attachment is reused");
            Assert.That(await FunctionHttp.WaitForAnswerAsync(started.Address!, TimeSpan.FromSeconds(10), ct), Is.EqualTo(BusyboxHttpd.IndexText));
        });
    }

    [Test]
    public async Task Start_twice_returns_the_running_task()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var ct = timeout.Token;
        await using var host = await HostWithContainerAsync(ct);

        var first = await host.Runtime.StartTaskAsync(host.Namespace, Id, ct);
        var second = await host.Runtime.StartTaskAsync(host.Namespace, Id, ct);

        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public async Task Start_replaces_a_task_that_died()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var ct = timeout.Token;
        await using var host = await HostWithContainerAsync(ct);
        var first = await host.Runtime.StartTaskAsync(host.Namespace, Id, ct);
        await host.Scope.Tasks.KillAsync(new TasksApi.KillRequest { ContainerId = Id, Signal = 9, All = true }, cancellationToken: ct);
        await host.Scope.Tasks.WaitAsync(new TasksApi.WaitRequest { ContainerId = Id }, cancellationToken: ct);
        var dead = await host.Runtime.GetTaskAsync(host.Namespace, Id, ct);

        var second = await host.Runtime.StartTaskAsync(host.Namespace, Id, ct);

        Assert.Multiple(async () =>
        {
            Assert.That(dead.State, Is.EqualTo(TaskState.Stopped));
            Assert.That(second.State, Is.EqualTo(TaskState.Running));
            Assert.That(second.Pid, Is.Not.EqualTo(first.Pid));
            Assert.That(await FunctionHttp.WaitForAnswerAsync(second.Address!, TimeSpan.FromSeconds(10), ct), Is.EqualTo(BusyboxHttpd.IndexText));
        });
    }

    [Test]
    public async Task Create_replaces_the_orphaned_snapshot_of_a_create_cut_short()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var ct = timeout.Token;
        await using var host = RuntimeTestHost.Create();
        await host.PullTestImageAsync(ct);
        // The snapshot of a create that crashed before the container record was written, with no parent at all.
        await host.Scope.Snapshots.PrepareAsync(new SnapshotsApi.PrepareSnapshotRequest { Snapshotter = "overlayfs", Key = Id + "-snapshot" }, cancellationToken: ct);

        await host.Runtime.CreateContainerAsync(host.SpecFor(Id), ct);
        var started = await host.Runtime.StartTaskAsync(host.Namespace, Id, ct);

        Assert.That(await FunctionHttp.WaitForAnswerAsync(started.Address!, TimeSpan.FromSeconds(10), ct), Is.EqualTo(BusyboxHttpd.IndexText));
    }

    [Test]
    public async Task Create_of_an_existing_container_is_already_exists()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var ct = timeout.Token;
        await using var host = await HostWithContainerAsync(ct);

        var error = Assert.ThrowsAsync<RuntimeException>(() => host.Runtime.CreateContainerAsync(host.SpecFor(Id), ct));

        Assert.That(error!.Kind, Is.EqualTo(RuntimeErrorKind.AlreadyExists));
    }

    [Test]
    public async Task Delete_with_a_running_task_then_again_and_stop_of_nothing_are_fine()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var ct = timeout.Token;
        await using var host = await HostWithContainerAsync(ct);
        var started = await host.Runtime.StartTaskAsync(host.Namespace, Id, ct);
        await host.Runtime.PauseAsync(host.Namespace, Id, ct);

        // Frozen and running: delete must thaw, kill, delete the task, detach, then remove the rest.
        await host.Runtime.DeleteContainerAsync(host.Namespace, Id, ct);
        await host.Runtime.DeleteContainerAsync(host.Namespace, Id, ct);
        await host.Runtime.StopTaskAsync(host.Namespace, Id, TimeSpan.FromSeconds(1), ct);

        Assert.Multiple(async () =>
        {
            Assert.That(await host.Runtime.GetContainerAsync(host.Namespace, Id, ct), Is.Null);
            Assert.That(await ContainerRuntimeLifecycleTests.TaskExistsAsync(host, Id, ct), Is.False);
            Assert.That(await ContainerRuntimeLifecycleTests.SnapshotExistsAsync(host, Id + "-snapshot", ct), Is.False);
            Assert.That(File.Exists(host.NetnsPathOf(Id)), Is.False);
            Assert.That(File.Exists(Path.Combine(host.IpamDirectory, host.NetworkName, started.Address!.ToString())), Is.False);
        });
    }

    [Test]
    public async Task Operations_on_a_missing_container_are_not_found()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var ct = timeout.Token;
        await using var host = RuntimeTestHost.Create();

        var start = Assert.ThrowsAsync<RuntimeException>(() => host.Runtime.StartTaskAsync(host.Namespace, "ghost", ct));
        var pause = Assert.ThrowsAsync<RuntimeException>(() => host.Runtime.PauseAsync(host.Namespace, "ghost", ct));
        var create = Assert.ThrowsAsync<RuntimeException>(() => host.Runtime.CreateContainerAsync(host.SpecFor("ghost") with { Image = $"{TestEnvironment.Registry}/faasd-test/never-pulled:1" }, ct));

        Assert.Multiple(async () =>
        {
            Assert.That(start!.Kind, Is.EqualTo(RuntimeErrorKind.NotFound));
            Assert.That(pause!.Kind, Is.EqualTo(RuntimeErrorKind.NotFound));
            Assert.That(create!.Kind, Is.EqualTo(RuntimeErrorKind.NotFound), "image not present");
            Assert.That(await host.Runtime.GetTaskAsync(host.Namespace, "ghost", ct), Is.EqualTo(new TaskInfo(TaskState.None, 0, null)));
        });
    }

    private static async Task<RuntimeTestHost> HostWithContainerAsync(CancellationToken ct)
    {
        var host = RuntimeTestHost.Create();
        try
        {
            await host.PullTestImageAsync(ct);
            await host.Runtime.CreateContainerAsync(host.SpecFor(Id), ct);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }
}
