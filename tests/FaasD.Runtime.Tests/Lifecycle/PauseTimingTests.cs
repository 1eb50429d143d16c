using System.Diagnostics;
using FaasD.Containerd.Errors;
using FaasD.TestSupport;
using FaasD.TestSupport.Images;
using NUnit.Framework;
using TasksApi = FaasD.Containerd.Api.Tasks;

namespace FaasD.Runtime.Tests.Lifecycle;

/// <summary>
/// The measurement behind freezing through the cgroup instead of containerd's Tasks.Pause/Resume; it prints
/// medians and checks both ways really freeze. Also records how the two ways mix.
/// </summary>
[Integration]
public sealed class PauseTimingTests
{
    private const string Id = "timing";
    private const int Rounds = 9;

    [Test]
    public async Task Direct_freezer_and_containerd_pause_both_work_and_are_measured()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        await using var host = RuntimeTestHost.Create();
        await host.PullTestImageAsync(ct);
        await host.Runtime.CreateContainerAsync(host.SpecFor(Id), ct);
        var task = await host.Runtime.StartTaskAsync(host.Namespace, Id, ct);
        await FunctionHttp.WaitForAnswerAsync(task.Address!, TimeSpan.FromSeconds(10), ct);
        var tasks = host.Scope.Tasks;

        var grpcPause = new List<double>();
        var grpcResume = new List<double>();
        var directPause = new List<double>();
        var directResume = new List<double>();
        var directWake = new List<double>();
        for (var round = 0; round <= Rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            await tasks.PauseAsync(new TasksApi.PauseTaskRequest { ContainerId = Id }, cancellationToken: ct);
            var paused = clock.Elapsed.TotalMilliseconds;
            var stateWhileGrpcPaused = (await host.Runtime.GetTaskAsync(host.Namespace, Id, ct)).State;
            clock.Restart();
            await tasks.ResumeAsync(new TasksApi.ResumeTaskRequest { ContainerId = Id }, cancellationToken: ct);
            var resumed = clock.Elapsed.TotalMilliseconds;

            clock.Restart();
            await host.Runtime.PauseAsync(host.Namespace, Id, ct);
            var frozen = clock.Elapsed.TotalMilliseconds;
            var stateWhileFrozen = (await host.Runtime.GetTaskAsync(host.Namespace, Id, ct)).State;
            clock.Restart();
            await host.Runtime.ResumeAsync(host.Namespace, Id, ct);
            var thawed = clock.Elapsed.TotalMilliseconds;
            var answer = await FunctionHttp.TryGetAsync(task.Address!, TimeSpan.FromSeconds(2), ct);
            var woke = clock.Elapsed.TotalMilliseconds;

            Assert.Multiple(() =>
            {
                Assert.That(stateWhileGrpcPaused, Is.EqualTo(TaskState.Paused));
                Assert.That(stateWhileFrozen, Is.EqualTo(TaskState.Paused));
                Assert.That(answer, Is.EqualTo(BusyboxHttpd.IndexText));
            });

            if (round == 0)
            {
                continue; // warm-up: JIT and first-connection costs are not what we compare
            }

            grpcPause.Add(paused);
            grpcResume.Add(resumed);
            directPause.Add(frozen);
            directResume.Add(thawed);
            directWake.Add(woke);
        }

        TestContext.Progress.WriteLine($"median of {Rounds}: containerd Tasks.Pause {Median(grpcPause):F2} ms, Tasks.Resume {Median(grpcResume):F2} ms; " +
            $"direct freeze {Median(directPause):F2} ms, direct thaw {Median(directResume):F2} ms, thaw + first HTTP answer {Median(directWake):F2} ms");

        // How the two ways mix, for the record: runc reads the freezer to decide whether the task is paused.
        await host.Runtime.PauseAsync(host.Namespace, Id, ct);
        var grpcResumeAfterDirectFreeze = await OutcomeAsync(() => tasks.ResumeAsync(new TasksApi.ResumeTaskRequest { ContainerId = Id }, cancellationToken: ct).ResponseAsync);
        await host.Runtime.ResumeAsync(host.Namespace, Id, ct);
        await tasks.PauseAsync(new TasksApi.PauseTaskRequest { ContainerId = Id }, cancellationToken: ct);
        await host.Runtime.ResumeAsync(host.Namespace, Id, ct);
        var grpcResumeAfterDirectThaw = await OutcomeAsync(() => tasks.ResumeAsync(new TasksApi.ResumeTaskRequest { ContainerId = Id }, cancellationToken: ct).ResponseAsync);
        var stateAfterMixing = await host.Runtime.GetTaskAsync(host.Namespace, Id, ct);
        TestContext.Progress.WriteLine($"Tasks.Resume after a direct freeze: {grpcResumeAfterDirectFreeze}; Tasks.Resume after Tasks.Pause + direct thaw: {grpcResumeAfterDirectThaw}");

        // containerd still holds the task as paused, but it runs: the freezer decides. And stop still gets rid of it.
        await host.Runtime.StopTaskAsync(host.Namespace, Id, TimeSpan.FromSeconds(1), ct);
        var afterStop = await host.Runtime.GetTaskAsync(host.Namespace, Id, ct);
        Assert.Multiple(() =>
        {
            Assert.That(stateAfterMixing.State, Is.EqualTo(TaskState.Running));
            Assert.That(afterStop.State, Is.EqualTo(TaskState.None));
        });
    }

    [Test]
    public async Task Create_to_first_answer_is_measured()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        await using var host = RuntimeTestHost.Create();
        await host.PullTestImageAsync(ct);

        var create = new List<double>();
        var start = new List<double>();
        var answer = new List<double>();
        for (var round = 0; round <= 5; round++)
        {
            var id = $"cold{round}";
            var clock = Stopwatch.StartNew();
            await host.Runtime.CreateContainerAsync(host.SpecFor(id), ct);
            var created = clock.Elapsed.TotalMilliseconds;
            var task = await host.Runtime.StartTaskAsync(host.Namespace, id, ct);
            var started = clock.Elapsed.TotalMilliseconds;
            await FunctionHttp.WaitForAnswerAsync(task.Address!, TimeSpan.FromSeconds(10), ct);
            var answered = clock.Elapsed.TotalMilliseconds;
            await host.Runtime.DeleteContainerAsync(host.Namespace, id, ct);
            if (round > 0)
            {
                create.Add(created);
                start.Add(started - created);
                answer.Add(answered);
            }
        }

        TestContext.Progress.WriteLine($"median of 5 (image present, warm daemon): create {Median(create):F0} ms, start task {Median(start):F0} ms, create to first HTTP answer {Median(answer):F0} ms");
        Assert.That(await host.Runtime.ListContainersAsync(host.Namespace, ct), Is.Empty);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static async Task<string> OutcomeAsync(Func<Task> call)
    {
        try
        {
            await call();
            return "accepted";
        }
        catch (ContainerdException exception)
        {
            return $"{exception.Kind} ({exception.Message})";
        }
    }
}
