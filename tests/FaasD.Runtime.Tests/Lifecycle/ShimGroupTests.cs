using FaasD.Runtime.Lifecycle;
using FaasD.TestSupport;
using FaasD.TestSupport.Images;
using NUnit.Framework;

namespace FaasD.Runtime.Tests.Lifecycle;

/// <summary>
/// --shared-shim on the real containerd: tasks of one group share a shim process, which keeps serving when the task
/// it was started for is deleted, takes new tasks, and exits with its last one; a task without a group has its own.
/// </summary>
[Integration]
public sealed class ShimGroupTests
{
    private const string Group = "faasd-test-group";

    [Test]
    public async Task Grouped_tasks_share_one_shim_that_outlives_the_task_it_was_started_for()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        await using var host = RuntimeTestHost.Create();
        var runtime = host.Runtime;
        var ns = host.Namespace;
        await runtime.EnsureNamespaceAsync(ns, new Dictionary<string, string> { ["openfaas"] = "1" }, ct);
        await host.PullTestImageAsync(ct);
        foreach (var id in new[] { "first", "second", "third" })
        {
            await runtime.CreateContainerAsync(host.SpecFor(id) with { ShimGroup = Group }, ct);
        }

        await runtime.CreateContainerAsync(host.SpecFor("solo"), ct);

        var first = await runtime.StartTaskAsync(ns, "first", ct);
        var second = await runtime.StartTaskAsync(ns, "second", ct);
        var solo = await runtime.StartTaskAsync(ns, "solo", ct);
        var shim = ParentOf(first.Pid);
        Assert.Multiple(() =>
        {
            Assert.That(ProcessName(shim), Is.EqualTo("containerd-shim"), "a task's parent is its shim (comm is cut at 15 characters)");
            Assert.That(ParentOf(second.Pid), Is.EqualTo(shim), "the second task of the group joined the first one's shim");
            Assert.That(ParentOf(solo.Pid), Is.Not.EqualTo(shim), "a task without a group has a shim of its own");
        });

        // The shim was started for "first" (its bundle, its -id): deleting that container must not take the others down.
        await runtime.StopTaskAsync(ns, "first", TimeSpan.FromSeconds(1), ct);
        await runtime.DeleteContainerAsync(ns, "first", ct);
        var third = await runtime.StartTaskAsync(ns, "third", ct);
        await runtime.PauseAsync(ns, "second", ct);
        var paused = await runtime.GetTaskAsync(ns, "second", ct);
        await runtime.ResumeAsync(ns, "second", ct);
        Assert.Multiple(async () =>
        {
            Assert.That(ProcessExists(shim), Is.True, "the shim still serves the group");
            Assert.That(ParentOf(third.Pid), Is.EqualTo(shim), "a task started later joins the same shim");
            Assert.That((await runtime.GetTaskAsync(ns, "second", ct)).State, Is.EqualTo(TaskState.Running));
            Assert.That(paused.State, Is.EqualTo(TaskState.Paused), "freeze and thaw work on a grouped task");
            Assert.That(await FunctionHttp.WaitForAnswerAsync(second.Address!, TimeSpan.FromSeconds(10), ct), Is.EqualTo(BusyboxHttpd.IndexText));
            Assert.That(await FunctionHttp.WaitForAnswerAsync(third.Address!, TimeSpan.FromSeconds(10), ct), Is.EqualTo(BusyboxHttpd.IndexText));
        });

        using var exits = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var exit = FirstExitAsync(runtime, ns, "second", exits.Token);
        await Task.Delay(TimeSpan.FromMilliseconds(300), ct);
        await host.Scope.Tasks.KillAsync(new FaasD.Containerd.Api.Tasks.KillRequest { ContainerId = "second", Signal = 9 }, cancellationToken: ct);
        var reported = await exit.WaitAsync(TimeSpan.FromSeconds(10), ct);
        await exits.CancelAsync();
        Assert.That(reported.ExitStatus, Is.EqualTo(137), "a grouped task's exit is reported like any other");

        foreach (var id in new[] { "second", "third" })
        {
            await runtime.StopTaskAsync(ns, id, TimeSpan.FromSeconds(1), ct);
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (ProcessExists(shim) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, ct);
        }

        Assert.That(ProcessExists(shim), Is.False, "the shim exits with the last task of its group");
    }

    private static async Task<TaskExit> FirstExitAsync(ContainerRuntime runtime, string ns, string id, CancellationToken ct)
    {
        await foreach (var exit in runtime.WatchExitsAsync(ct))
        {
            if (exit.Namespace == ns && exit.Id == id)
            {
                return exit;
            }
        }

        throw new InvalidOperationException("the exit stream ended");
    }

    private static int ParentOf(uint pid) =>
        int.Parse(File.ReadAllLines($"/proc/{pid}/status").Single(l => l.StartsWith("PPid:", StringComparison.Ordinal))[5..].Trim(), System.Globalization.CultureInfo.InvariantCulture);

    private static string ProcessName(int pid) => File.ReadAllText($"/proc/{pid}/comm").Trim();

    private static bool ProcessExists(int pid) => Directory.Exists($"/proc/{pid}");
}
