using System.Text;
using FaasD.Functions.Abstractions;
using FaasD.Functions.Deployment;
using FaasD.Functions.Waking;
using FaasD.Runtime;
using NUnit.Framework;

namespace FaasD.Functions.Tests.Deployment;

public class FunctionPlatformTests
{
    private PlatformFixture _f = null!;

    [SetUp]
    public void SetUp() => _f = new PlatformFixture();

    [TearDown]
    public async Task TearDown() => await _f.DisposeAsync();

    [Test]
    public async Task Deploy_creates_starts_and_serves_the_function()
    {
        await _f.Platform.DeployAsync(PlatformFixture.Spec("echo") with { EnvProcess = "cat" }, CancellationToken.None);

        Assert.That(_f.Runtime.Calls, Is.EqualTo(new[] { "pull 127.0.0.1:5000/echo:latest", "create echo", "start echo" }));
        var info = await _f.Platform.GetAsync("openfaas-fn", "echo", CancellationToken.None);
        Assert.That(info, Is.Not.Null);
        Assert.That(info!.Replicas, Is.EqualTo(1));
        Assert.That(info.AvailableReplicas, Is.EqualTo(1));
        Assert.That(info.Spec.EnvProcess, Is.EqualTo("cat"));
        using var lease = await _f.Platform.AcquireEndpointAsync("openfaas-fn", "echo", CancellationToken.None);
        Assert.That(lease.Status, Is.EqualTo(EndpointStatus.Ready));
        Assert.That(lease.DestinationPrefix, Is.EqualTo(_f.Destination));
    }

    [Test]
    public async Task Deploying_an_existing_function_is_refused()
    {
        await _f.Platform.DeployAsync(PlatformFixture.Spec("echo"), CancellationToken.None);
        var ex = Assert.ThrowsAsync<FunctionPlatformException>(() => _f.Platform.DeployAsync(PlatformFixture.Spec("echo"), CancellationToken.None));
        Assert.That(ex!.Kind, Is.EqualTo(FunctionErrorKind.AlreadyExists));
    }

    [Test]
    public void A_missing_secret_is_refused_before_anything_is_created()
    {
        var ex = Assert.ThrowsAsync<FunctionPlatformException>(() =>
            _f.Platform.DeployAsync(PlatformFixture.Spec("echo") with { Secrets = ["api-key"] }, CancellationToken.None));
        Assert.That(ex!.Kind, Is.EqualTo(FunctionErrorKind.Invalid));
        Assert.That(ex.Message, Is.EqualTo("unable to find secret: api-key"));
        Assert.That(_f.Runtime.Calls, Is.Empty);
    }

    [Test]
    public void An_unknown_namespace_is_refused()
    {
        var ex = Assert.ThrowsAsync<FunctionPlatformException>(() =>
            _f.Platform.DeployAsync(PlatformFixture.Spec("echo", ns: "nobody"), CancellationToken.None));
        Assert.That(ex!.Message, Is.EqualTo("namespace not valid"));
        Assert.That(_f.Runtime.Calls, Is.Empty);
    }

    [Test]
    public void A_bad_scale_label_is_refused()
    {
        var labels = new Dictionary<string, string> { ["com.openfaas.scale.zero-duration"] = "soon" };
        var ex = Assert.ThrowsAsync<FunctionPlatformException>(() =>
            _f.Platform.DeployAsync(PlatformFixture.Spec("echo") with { Labels = labels }, CancellationToken.None));
        Assert.That(ex!.Kind, Is.EqualTo(FunctionErrorKind.Invalid));
        Assert.That(ex.Message, Does.Contain("com.openfaas.scale.zero-duration"));
    }

    [Test]
    public async Task An_image_that_cannot_be_pulled_leaves_nothing_behind()
    {
        _f.Runtime.MissingImages.Add("nope:latest");
        var ex = Assert.ThrowsAsync<FunctionPlatformException>(() =>
            _f.Platform.DeployAsync(PlatformFixture.Spec("echo", image: "nope:latest"), CancellationToken.None));
        Assert.That(ex!.Kind, Is.EqualTo(FunctionErrorKind.Invalid));
        Assert.That(ex.Message, Does.StartWith("unable to pull image nope:latest"));
        Assert.That(_f.Runtime.ContainerIds, Is.Empty);
        Assert.That(await _f.Platform.GetAsync("openfaas-fn", "echo", CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task A_task_that_fails_to_start_is_cleaned_up()
    {
        _f.Runtime.FailStart = _ => new RuntimeException(RuntimeErrorKind.Internal, "runc said no");
        var ex = Assert.ThrowsAsync<FunctionPlatformException>(() => _f.Platform.DeployAsync(PlatformFixture.Spec("echo"), CancellationToken.None));
        Assert.That(ex!.Message, Does.Contain("runc said no"));
        Assert.That(_f.Runtime.ContainerIds, Is.Empty);
        Assert.That(_f.Runtime.Calls, Does.Contain("delete echo"));
        Assert.That(await _f.Platform.ListAsync("openfaas-fn", CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task A_function_that_never_listens_times_out_and_is_removed()
    {
        await using var slow = new PlatformFixture(readinessTimeout: TimeSpan.FromMilliseconds(300));
        slow.StopListening();
        var ex = Assert.ThrowsAsync<FunctionPlatformException>(() => slow.Platform.DeployAsync(PlatformFixture.Spec("echo"), CancellationToken.None));
        Assert.That(ex!.Kind, Is.EqualTo(FunctionErrorKind.Timeout));
        Assert.That(slow.Runtime.ContainerIds, Is.Empty);
    }

    [Test]
    public async Task Update_starts_the_new_generation_before_stopping_the_old()
    {
        await _f.Platform.DeployAsync(PlatformFixture.Spec("echo"), CancellationToken.None);
        var env = new Dictionary<string, string> { ["GREETING"] = "hi" };
        await _f.Platform.UpdateAsync(PlatformFixture.Spec("echo") with { EnvVars = env }, CancellationToken.None);

        var calls = _f.Runtime.Calls.ToList();
        Assert.That(calls.IndexOf("start echo.g2"), Is.LessThan(calls.IndexOf("stop echo")));
        Assert.That(_f.Runtime.ContainerIds, Is.EqualTo(new[] { "echo.g2" }));
        var info = await _f.Platform.GetAsync("openfaas-fn", "echo", CancellationToken.None);
        Assert.That(info!.Spec.EnvVars["GREETING"], Is.EqualTo("hi"));
    }

    [Test]
    public void Updating_a_missing_function_is_not_found()
    {
        var ex = Assert.ThrowsAsync<FunctionPlatformException>(() => _f.Platform.UpdateAsync(PlatformFixture.Spec("ghost"), CancellationToken.None));
        Assert.That(ex!.Kind, Is.EqualTo(FunctionErrorKind.NotFound));
        Assert.That(ex.Message, Is.EqualTo("function: ghost.openfaas-fn not found"));
    }

    [Test]
    public async Task Remove_deletes_everything_and_requests_then_get_not_found()
    {
        await _f.Platform.DeployAsync(PlatformFixture.Spec("echo"), CancellationToken.None);
        await _f.Platform.RemoveAsync("openfaas-fn", "echo", CancellationToken.None);

        Assert.That(_f.Runtime.ContainerIds, Is.Empty);
        Assert.That(await _f.Platform.GetAsync("openfaas-fn", "echo", CancellationToken.None), Is.Null);
        using var lease = await _f.Platform.AcquireEndpointAsync("openfaas-fn", "echo", CancellationToken.None);
        Assert.That(lease.Status, Is.EqualTo(EndpointStatus.NotFound));
        var ex = Assert.ThrowsAsync<FunctionPlatformException>(() => _f.Platform.RemoveAsync("openfaas-fn", "echo", CancellationToken.None));
        Assert.That(ex!.Kind, Is.EqualTo(FunctionErrorKind.NotFound));
    }

    [Test]
    public async Task Scale_to_zero_freezes_and_a_request_thaws()
    {
        await _f.Platform.DeployAsync(PlatformFixture.Spec("echo"), CancellationToken.None);
        await _f.Platform.ScaleAsync("openfaas-fn", "echo", 0, CancellationToken.None);

        var frozen = await _f.Platform.GetAsync("openfaas-fn", "echo", CancellationToken.None);
        Assert.That(frozen!.Replicas, Is.Zero);
        Assert.That(frozen.AvailableReplicas, Is.Zero);
        Assert.That(_f.Runtime.TaskOf("openfaas-fn", "echo"), Is.EqualTo(TaskState.Paused));

        using (var lease = await _f.Platform.AcquireEndpointAsync("openfaas-fn", "echo", CancellationToken.None))
        {
            Assert.That(lease.Status, Is.EqualTo(EndpointStatus.Ready));
        }

        Assert.That(_f.Runtime.Calls, Does.Contain("resume echo"));
        Assert.That((await _f.Platform.GetAsync("openfaas-fn", "echo", CancellationToken.None))!.AvailableReplicas, Is.EqualTo(1));
    }

    [Test]
    public async Task Recovery_adopts_running_keeps_frozen_and_restarts_missing_tasks()
    {
        await _f.Platform.DeployAsync(PlatformFixture.Spec("running"), CancellationToken.None);
        await _f.Platform.DeployAsync(PlatformFixture.Spec("frozen"), CancellationToken.None);
        await _f.Platform.DeployAsync(PlatformFixture.Spec("rebooted"), CancellationToken.None);
        await _f.Platform.ScaleAsync("openfaas-fn", "frozen", 0, CancellationToken.None);
        _f.Runtime.SetTask("openfaas-fn", "rebooted", TaskState.None);
        while (_f.Runtime.Calls.TryDequeue(out _))
        {
        }

        var summary = await _f.RestartAsync();

        Assert.That(summary.Adopted, Is.EqualTo(1));
        Assert.That(summary.Frozen, Is.EqualTo(1));
        Assert.That(summary.Restarted, Is.EqualTo(1));
        Assert.That(_f.Runtime.Calls, Does.Not.Contain("resume frozen"));
        Assert.That(_f.Runtime.Calls, Does.Not.Contain("start running"));
        Assert.That(_f.Runtime.Calls, Does.Contain("start rebooted"));
        var list = await _f.Platform.ListAsync("openfaas-fn", CancellationToken.None);
        Assert.That(list.Select(f => (f.Spec.Name, f.Replicas)), Is.EqualTo(new[] { ("frozen", 0), ("rebooted", 1), ("running", 1) }));
    }

    [Test]
    public async Task A_removal_containerd_cut_short_is_a_503_and_is_finished_at_the_next_start_not_undone()
    {
        await _f.Platform.DeployAsync(PlatformFixture.Spec("gone"), CancellationToken.None);
        await _f.Platform.DeployAsync(PlatformFixture.Spec("kept"), CancellationToken.None);
        _f.Runtime.FailStop = id => id == "gone" ? new RuntimeException(RuntimeErrorKind.Unavailable, "task did not exit") : null;

        var error = Assert.ThrowsAsync<FunctionPlatformException>(() => _f.Platform.RemoveAsync("openfaas-fn", "gone", CancellationToken.None));
        var labels = (await _f.Runtime.GetContainerAsync("openfaas-fn", "gone", CancellationToken.None))!.Labels;
        Assert.Multiple(() =>
        {
            Assert.That(error!.Kind, Is.EqualTo(FunctionErrorKind.Unavailable), "503, with the reason");
            Assert.That(error.Message, Does.Contain("task did not exit"));
            Assert.That(labels[ContainerNaming.RemovingLabel], Is.EqualTo("true"), "the intent is on the container before anything else changes");
        });

        _f.Runtime.FailStop = _ => null;
        var summary = await _f.RestartAsync();

        var list = await _f.Platform.ListAsync("openfaas-fn", CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(list.Select(f => f.Spec.Name), Is.EqualTo(new[] { "kept" }), "the removed function does not come back");
            Assert.That(_f.Runtime.ContainerIds, Is.EqualTo(new[] { "kept" }));
            Assert.That(summary.RemovalsFinished, Is.EqualTo(1));
            Assert.That(summary.Adopted, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Recovery_releases_the_networks_whose_container_is_gone_in_every_namespace_once_a_minute_old()
    {
        await _f.Platform.DeployAsync(PlatformFixture.Spec("kept"), CancellationToken.None);
        _f.Runtime.OrphanedNetworks["openfaas-fn"] = ["lost", "lost-2"];

        var summary = await _f.RestartAsync();

        Assert.Multiple(() =>
        {
            Assert.That(summary.NetworksReleased, Is.EqualTo(2));
            Assert.That(summary.ToString(), Does.EndWith(", 2 orphaned networks released"));
            Assert.That(_f.Runtime.NetworkSweeps.Select(s => s.Namespace), Does.Contain("openfaas-fn"));
            Assert.That(_f.Runtime.NetworkSweeps.Single(s => s.Namespace == "openfaas-fn").Known, Is.EqualTo(new[] { "kept" }), "the containers recovery listed need no lookup");
            Assert.That(_f.Runtime.NetworkSweeps.Select(s => s.OlderThan), Has.All.EqualTo(TimeSpan.FromMinutes(1)), "never an attachment a concurrent deploy may be making");
            Assert.That(summary.Adopted, Is.EqualTo(1), "the function with a container is adopted as before");
        });
    }

    [Test]
    public async Task A_removal_marks_every_replica_before_stopping_any()
    {
        await _f.Platform.DeployAsync(PlatformFixture.Spec("echo"), CancellationToken.None);
        while (_f.Runtime.Calls.TryDequeue(out _))
        {
        }

        await _f.Platform.RemoveAsync("openfaas-fn", "echo", CancellationToken.None);

        var calls = _f.Runtime.Calls.ToList();
        Assert.That(calls.IndexOf($"label echo {ContainerNaming.RemovingLabel}=true"), Is.GreaterThanOrEqualTo(0).And.LessThan(calls.IndexOf("stop echo")), string.Join(" | ", calls));
    }

    [Test]
    public async Task Recovery_resolves_an_interrupted_update_to_the_new_generation()
    {
        await _f.Platform.DeployAsync(PlatformFixture.Spec("echo"), CancellationToken.None);

        // As if the daemon died after starting generation 2 and before removing generation 1.
        var g2 = StoredDeployment.From(PlatformFixture.Spec("echo") with { EnvProcess = "v2" }, generation: 2);
        var spec = new ContainerSpecFactory(_f.Options, _f.Secrets).Build(g2, "echo.g2");
        await _f.Runtime.CreateContainerAsync(spec, CancellationToken.None);
        await _f.Runtime.StartTaskAsync("openfaas-fn", "echo.g2", CancellationToken.None);

        await _f.RestartAsync();

        Assert.That(_f.Runtime.ContainerIds, Is.EqualTo(new[] { "echo.g2" }));
        var info = await _f.Platform.GetAsync("openfaas-fn", "echo", CancellationToken.None);
        Assert.That(info!.Spec.EnvProcess, Is.EqualTo("v2"));
    }

    [Test]
    public async Task Deploy_and_remove_of_different_functions_run_concurrently()
    {
        var deploys = Enumerable.Range(0, 20).Select(i => _f.Platform.DeployAsync(PlatformFixture.Spec($"fn-{i}"), CancellationToken.None));
        await Task.WhenAll(deploys);
        Assert.That(await _f.Platform.ListAsync("openfaas-fn", CancellationToken.None), Has.Count.EqualTo(20));

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => _f.Platform.RemoveAsync("openfaas-fn", $"fn-{i}", CancellationToken.None)));
        Assert.That(_f.Runtime.ContainerIds, Is.Empty);
    }

    [Test]
    public async Task Secrets_env_and_annotations_reach_the_container_spec()
    {
        await _f.Secrets.WriteAsync("openfaas-fn", "api-key", Encoding.UTF8.GetBytes("k"), CancellationToken.None);
        var spec = PlatformFixture.Spec("echo") with
        {
            EnvProcess = "cat",
            EnvVars = new Dictionary<string, string> { ["A"] = "1" },
            Secrets = ["api-key"],
            Annotations = new Dictionary<string, string> { ["topic"] = "cron-function" },
            Limits = new FunctionResources("128Mi", "500m"),
        };
        var container = new ContainerSpecFactory(_f.Options, _f.Secrets).Build(StoredDeployment.From(spec, 1), "echo");

        Assert.That(container.Env, Is.EqualTo(new[] { "A=1", "fprocess=cat" }));
        Assert.That(container.Mounts.Select(m => m.Destination), Is.EqualTo(new[] { "/etc/hosts", "/etc/resolv.conf", "/var/openfaas/secrets/api-key" }));
        Assert.That(container.Mounts.All(m => m.ReadOnly), Is.True);
        Assert.That(container.Labels["com.openfaas.annotations.topic"], Is.EqualTo("cron-function"));
        Assert.That(container.MemoryLimitBytes, Is.EqualTo(128L * 1024 * 1024));
        Assert.That(container.CpuMillis, Is.EqualTo(500));
        Assert.That(StoredDeployment.TryDeserialize(container.Payload.Span)!.ToSpec().Annotations["topic"], Is.EqualTo("cron-function"));
    }

    [Test]
    public void Function_containers_share_one_of_the_configured_shims_and_always_the_same()
    {
        var names = Enumerable.Range(0, 200).Select(i => $"fn{i}").ToList();
        var groups = names.Select(n => new ContainerSpecFactory(_f.Options with { SharedShims = 8 }, _f.Secrets)
            .Build(StoredDeployment.From(PlatformFixture.Spec(n), 1), n).ShimGroup).ToList();
        var again = names.Select(n => new ContainerSpecFactory(_f.Options with { SharedShims = 8 }, _f.Secrets)
            .Build(StoredDeployment.From(PlatformFixture.Spec(n), 2), n + ".g2").ShimGroup).ToList();
        var off = new ContainerSpecFactory(_f.Options with { SharedShims = 0 }, _f.Secrets)
            .Build(StoredDeployment.From(PlatformFixture.Spec("echo"), 1), "echo").ShimGroup;

        Assert.Multiple(() =>
        {
            Assert.That(groups, Is.EqualTo(again), "every generation of a function joins the same shim");
            Assert.That(groups.Distinct().Order(StringComparer.Ordinal), Is.EqualTo(Enumerable.Range(0, 8).Select(i => $"faasd-functions-{i}").Order(StringComparer.Ordinal)));
            Assert.That(groups.GroupBy(g => g).Max(g => g.Count()), Is.LessThan(50), "spread over the shims, not piled on one");
            // The first four bytes of SHA-256("figlet"), big-endian, modulo 8: the same in every process and release.
            Assert.That(ContainerSpecFactory.ShimGroupOf("figlet", 8), Is.EqualTo("faasd-functions-7"), "stable across processes");
            Assert.That(off, Is.Null, "0: a shim per task");
        });
    }

    [Test]
    public async Task A_crashed_task_is_started_again_by_the_next_request()
    {
        await _f.Platform.DeployAsync(PlatformFixture.Spec("echo"), CancellationToken.None);
        _f.Runtime.SetTask("openfaas-fn", "echo", TaskState.Stopped);
        await _f.Platform.OnTaskExitedAsync("openfaas-fn", "echo", 137, CancellationToken.None);

        var info = await _f.Platform.GetAsync("openfaas-fn", "echo", CancellationToken.None);
        Assert.That(info!.AvailableReplicas, Is.Zero);
        while (_f.Runtime.Calls.TryDequeue(out _))
        {
        }

        using var lease = await _f.Platform.AcquireEndpointAsync("openfaas-fn", "echo", CancellationToken.None);
        Assert.That(lease.Status, Is.EqualTo(EndpointStatus.Ready));
        Assert.That(_f.Runtime.Calls, Is.EqualTo(new[] { "stop echo", "start echo" }));
    }

    [Test]
    public async Task An_exit_delivered_after_the_task_was_replaced_leaves_the_live_task_serving()
    {
        await _f.Platform.DeployAsync(PlatformFixture.Spec("echo"), CancellationToken.None);

        // The container has a running task again (the supervisor restarted it on a refused connection first).
        await _f.Platform.OnTaskExitedAsync("openfaas-fn", "echo", 137, CancellationToken.None);

        var info = await _f.Platform.GetAsync("openfaas-fn", "echo", CancellationToken.None);
        Assert.That(info!.AvailableReplicas, Is.EqualTo(1));
        Assert.That(_f.Runtime.Calls, Has.None.StartsWith("stop echo"));
    }

    [Test]
    public async Task The_exit_of_a_replaced_generation_is_ignored()
    {
        await _f.Platform.DeployAsync(PlatformFixture.Spec("echo"), CancellationToken.None);
        await _f.Platform.UpdateAsync(PlatformFixture.Spec("echo"), CancellationToken.None);
        await _f.Platform.OnTaskExitedAsync("openfaas-fn", "echo", 143, CancellationToken.None);

        var info = await _f.Platform.GetAsync("openfaas-fn", "echo", CancellationToken.None);
        Assert.That(info!.AvailableReplicas, Is.EqualTo(1));
    }

    [Test]
    public async Task Reconcile_finds_tasks_that_died_while_events_were_lost()
    {
        await _f.Platform.DeployAsync(PlatformFixture.Spec("alive"), CancellationToken.None);
        await _f.Platform.DeployAsync(PlatformFixture.Spec("dead"), CancellationToken.None);
        _f.Runtime.SetTask("openfaas-fn", "dead", TaskState.None);

        await _f.Platform.ReconcileTasksAsync(CancellationToken.None);

        Assert.That((await _f.Platform.GetAsync("openfaas-fn", "dead", CancellationToken.None))!.AvailableReplicas, Is.Zero);
        Assert.That((await _f.Platform.GetAsync("openfaas-fn", "alive", CancellationToken.None))!.AvailableReplicas, Is.EqualTo(1));
    }
}
