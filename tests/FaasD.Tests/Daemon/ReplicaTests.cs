using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using FaasD.Containerd;
using FaasD.Images;
using FaasD.Network;
using FaasD.Runtime;
using FaasD.Runtime.Lifecycle;
using FaasD.TestSupport;
using FaasD.TestSupport.Images;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace FaasD.Tests.Daemon;

/// <summary>
/// Replicas against real containerd: each its own container, task and netns; balanced, scaled, replaced when they
/// die or fail liveness, rolled one by one on update, adopted after a daemon restart.
/// </summary>
[Integration]
[NonParallelizable]
internal sealed class ReplicaTests : DaemonFixture
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);
    private TestImage _replicaImage = null!;

    /// <summary>
    /// <c>/cgi-bin/whoami</c> answers the replica's own address; <c>/cgi-bin/health</c> fails once <c>/cgi-bin/sicken</c> ran;
    /// <c>/cgi-bin/burn</c> hashes 64 MB of zeros (a bounded amount of CPU work per request).
    /// </summary>
    [OneTimeSetUp]
    public async Task BuildReplicaImage() =>
        _replicaImage = await TestImages.BuildAndPushAsync(
            "replica-httpd",
            BusyboxHttpd.Contents()
                .AddFile("/www/cgi-bin/whoami", WhoAmIScript, ImageContents.ExecutableMode)
                .AddFile("/www/cgi-bin/health", HealthScript, ImageContents.ExecutableMode)
                .AddFile("/www/cgi-bin/sicken", SickenScript, ImageContents.ExecutableMode)
                .AddFile("/www/cgi-bin/burn", BurnScript, ImageContents.ExecutableMode),
            BusyboxHttpd.Config);

    [Test]
    public async Task Min_three_starts_three_replicas_and_sequential_requests_spread_over_all()
    {
        var name = Name("min3");
        await DeployLikeFaasCliAsync(new { service = name, image = _replicaImage.Reference, labels = Labels(("com.openfaas.scale.min", "3"), ("com.openfaas.scale.max", "3")) });

        var described = await DescribeAsync(name);
        Assert.That((described.Replicas, described.AvailableReplicas), Is.EqualTo((3UL, 3UL)));
        Assert.That(Tasks(name), Has.Count.EqualTo(3), "three containers with a live task");

        var served = new Dictionary<string, int>();
        for (var i = 0; i < 300; i++)
        {
            var ip = (await InvokeAsync($"/function/{name}/cgi-bin/whoami")).Trim();
            served[ip] = served.GetValueOrDefault(ip) + 1;
        }

        Assert.That(served, Has.Count.EqualTo(3), string.Join(", ", served));
        Assert.That(served.Values, Is.All.GreaterThanOrEqualTo(60), string.Join(", ", served));
    }

    [Test]
    public async Task Scale_api_sets_five_then_two_replicas()
    {
        var name = Name("scale");
        await DeployLikeFaasCliAsync(new { service = name, image = _replicaImage.Reference });
        Assert.That(Tasks(name), Has.Count.EqualTo(1));

        await ScaleAsync(name, 5);
        var described = await DescribeAsync(name);
        Assert.That((described.Replicas, described.AvailableReplicas), Is.EqualTo((5UL, 5UL)));
        Assert.That(Tasks(name), Has.Count.EqualTo(5));

        await ScaleAsync(name, 2);
        described = await DescribeAsync(name);
        Assert.That((described.Replicas, described.AvailableReplicas), Is.EqualTo((2UL, 2UL)));
        Assert.That(Tasks(name), Has.Count.EqualTo(2));
        Assert.That(await InvokeAsync($"/function/{name}/cgi-bin/whoami"), Is.Not.Empty);
    }

    [Test]
    public async Task Killing_one_replica_fails_no_request_after_the_first_second_and_it_is_replaced()
    {
        var name = Name("kill");
        await DeployLikeFaasCliAsync(new { service = name, image = _replicaImage.Reference, labels = Labels(("com.openfaas.scale.min", "3"), ("com.openfaas.scale.max", "3")) });
        var before = Tasks(name);
        var victim = before.First(t => t.Key.EndsWith(".r1", StringComparison.Ordinal));

        using var load = new LoadLoop(Daemon.BaseAddress, $"/function/{name}/cgi-bin/whoami", concurrency: 4);
        var loading = load.RunAsync(TimeSpan.FromSeconds(6), maxRequests: 20_000);
        await Task.Delay(1000);
        var killedAt = load.Elapsed;
        Assert.That(kill(victim.Value, 9), Is.Zero, "kill -9 of the replica's process");
        var result = await loading;
        TestContext.Out.WriteLine($"killed at {killedAt.TotalSeconds:0.00}s; {result.Succeeded} succeeded; failures: {string.Join("; ", result.Failures.Take(10))}");
        foreach (var line in Daemon.Output.Split('\n').Where(l => l.Contains(victim.Key, StringComparison.Ordinal)))
        {
            TestContext.Out.WriteLine(line);
        }

        var late = result.Failures.Where(f => f.At > killedAt + TimeSpan.FromSeconds(1)).ToList();
        Assert.That(result.Succeeded, Is.GreaterThan(100));
        Assert.That(late, Is.Empty, string.Join("; ", late.Take(5)));

        await WaitUntilAsync(async () => (await DescribeAsync(name)).AvailableReplicas == 3 && Tasks(name).Count == 3, "the killed replica to be replaced");
        Assert.That(Tasks(name)[victim.Key], Is.Not.EqualTo(victim.Value), "a new process in the same container");
        Assert.That(Daemon.Output, Does.Contain(victim.Key).And.Contain("replacing it"));
    }

    [Test]
    public async Task Rolling_update_under_load_answers_every_request_with_2xx()
    {
        var name = Name("roll");
        var labels = Labels(("com.openfaas.scale.min", "2"), ("com.openfaas.scale.max", "2"));
        await DeployLikeFaasCliAsync(new { service = name, image = _replicaImage.Reference, labels, envVars = new Dictionary<string, string> { ["VERSION"] = "one" } });

        using var load = new LoadLoop(Daemon.BaseAddress, $"/function/{name}/cgi-bin/env", concurrency: 8);
        var loading = load.RunAsync(TimeSpan.FromSeconds(60), maxRequests: 50_000);
        await Task.Delay(1000);
        await DeployLikeFaasCliAsync(new { service = name, image = _replicaImage.Reference, labels, envVars = new Dictionary<string, string> { ["VERSION"] = "two" } });
        await Task.Delay(1000);
        load.Stop();
        var result = await loading;

        Assert.That(result.Succeeded, Is.GreaterThan(50));
        Assert.That(result.Failures, Is.Empty, string.Join("; ", result.Failures.Take(5)));
        Assert.That(await InvokeAsync($"/function/{name}/cgi-bin/env"), Does.Contain("VERSION=two"));
        var tasks = Tasks(name);
        Assert.That(tasks.Keys, Is.EquivalentTo(new[] { $"{name}.g2", $"{name}.g2.r1" }), "the old generation is gone");
        Assert.That((await DescribeAsync(name)).AvailableReplicas, Is.EqualTo(2));
    }

    [Test]
    public async Task A_replica_whose_liveness_path_starts_failing_is_replaced()
    {
        var name = Name("live");
        await DeployLikeFaasCliAsync(new
        {
            service = name,
            image = _replicaImage.Reference,
            annotations = new Dictionary<string, string>
            {
                ["com.openfaas.health.http.path"] = "/cgi-bin/health",
                ["com.openfaas.health.http.initialDelay"] = "1s",
            },
        });
        var pid = Tasks(name)[name];
        Assert.That(await InvokeAsync($"/function/{name}/cgi-bin/health"), Does.Contain("ok"));

        await InvokeAsync($"/function/{name}/cgi-bin/sicken");

        await WaitUntilAsync(() => Task.FromResult(Tasks(name).TryGetValue(name, out var now) && now != pid), "the failing replica to be replaced");
        await WaitUntilAsync(async () => (await DescribeAsync(name)).AvailableReplicas == 1, "the replacement to serve");
        Assert.That(await InvokeAsync($"/function/{name}/cgi-bin/health"), Does.Contain("ok"), "the new task starts healthy (/dev/shm is a tmpfs per task)");
        Assert.That(Daemon.Output, Does.Contain("liveness"));
    }

    [Test]
    public async Task Restart_adopts_every_replica_and_keeps_frozen_ones_frozen()
    {
        var serving = Name("rs-run");
        var sleeping = Name("rs-frozen");
        var labels = Labels(("com.openfaas.scale.min", "3"), ("com.openfaas.scale.max", "3"));
        await DeployLikeFaasCliAsync(new { service = serving, image = _replicaImage.Reference, labels });
        await DeployLikeFaasCliAsync(new { service = sleeping, image = _replicaImage.Reference, labels });
        await ScaleAsync(sleeping, 0);
        var servingPids = Tasks(serving);
        Assert.That(Frozen(sleeping), Is.EquivalentTo(new[] { true, true, true }));

        await Daemon.KillAsync();
        await Daemon.StartAsync();

        Assert.That(Tasks(serving), Is.EquivalentTo(servingPids), "running replicas adopted, not restarted");
        var described = await DescribeAsync(serving);
        Assert.That((described.Replicas, described.AvailableReplicas), Is.EqualTo((3UL, 3UL)));
        Assert.That(Frozen(sleeping), Is.EquivalentTo(new[] { true, true, true }), "recovery thawed a frozen replica");
        Assert.That((await DescribeAsync(sleeping)).AvailableReplicas, Is.Zero);

        // A wake thaws one replica; the others stay frozen until load needs them.
        Assert.That(await InvokeAsync($"/function/{sleeping}/cgi-bin/whoami"), Is.Not.Empty);
        Assert.That(Frozen(sleeping), Is.EquivalentTo(new[] { false, true, true }));
        Assert.That((await DescribeAsync(sleeping)).AvailableReplicas, Is.EqualTo(1));
    }

    [Test]
    public async Task Scaled_to_zero_three_replicas_freeze_and_one_request_thaws_exactly_one_while_load_thaws_the_rest()
    {
        var name = Name("wake1");
        await DeployLikeFaasCliAsync(new { service = name, image = _replicaImage.Reference, labels = Labels(("com.openfaas.scale.min", "3"), ("com.openfaas.scale.max", "3")) });
        await using var runtime = new RuntimeProbe(Daemon.CniDir);
        await ScaleAsync(name, 0);
        Assert.That((await runtime.TaskStatesAsync(name)).Values, Is.EquivalentTo(new[] { "Paused", "Paused", "Paused" }));
        Assert.That(Frozen(name), Is.EquivalentTo(new[] { true, true, true }));
        var described = await DescribeAsync(name);
        Assert.That((described.Replicas, described.AvailableReplicas), Is.EqualTo((0UL, 0UL)));

        var ip = (await InvokeAsync($"/function/{name}/cgi-bin/whoami")).Trim();

        var states = await runtime.TaskStatesAsync(name);
        Assert.That(states.Where(s => s.Value == "Running").Select(s => s.Key), Is.EqualTo(new[] { name }), $"exactly the primary thawed: {string.Join(", ", states)}");
        Assert.That(states.Values.Count(v => v == "Paused"), Is.EqualTo(2), string.Join(", ", states));
        Assert.That(Frozen(name).Count(f => f), Is.EqualTo(2), "two replicas still frozen in the kernel");
        described = await DescribeAsync(name);
        Assert.That((described.Replicas, described.AvailableReplicas), Is.EqualTo((3UL, 1UL)), "three replicas, one available");
        for (var i = 0; i < 5; i++)
        {
            Assert.That((await InvokeAsync($"/function/{name}/cgi-bin/whoami")).Trim(), Is.EqualTo(ip), "sequential requests stay on the woken replica");
        }

        Assert.That((await runtime.TaskStatesAsync(name)).Values.Count(v => v == "Paused"), Is.EqualTo(2));

        // Concurrent requests find the awake replica busy: the others are thawed one at a time.
        using (var load = new LoadLoop(Daemon.BaseAddress, $"/function/{name}/cgi-bin/sleep?1", concurrency: 4))
        {
            var loading = load.RunAsync(TimeSpan.FromSeconds(30), maxRequests: 200);
            await WaitUntilAsync(async () => (await DescribeAsync(name)).AvailableReplicas == 3, "concurrent load to thaw the other replicas");
            load.Stop();
            var result = await loading;
            Assert.That(result.Failures, Is.Empty, string.Join("; ", result.Failures.Take(5)));
        }

        Assert.That((await runtime.TaskStatesAsync(name)).Values, Is.EquivalentTo(new[] { "Running", "Running", "Running" }));

        // Freezing again freezes every replica.
        await ScaleAsync(name, 0);
        Assert.That((await runtime.TaskStatesAsync(name)).Values, Is.EquivalentTo(new[] { "Paused", "Paused", "Paused" }));
        Assert.That(Daemon.Output, Does.Contain($"replica {name}.r1 thawed").Or.Contain($"replica {name}.r2 thawed"));
    }

    [Test]
    public async Task Cpu_autoscaling_adds_replicas_under_cpu_load_and_returns_to_min_after_the_window()
    {
        var name = Name("cpu");
        await DeployLikeFaasCliAsync(new
        {
            service = name,
            image = _replicaImage.Reference,
            labels = Labels(
                ("com.openfaas.scale.type", "cpu"),
                ("com.openfaas.scale.target", "100"),
                ("com.openfaas.scale.min", "1"),
                ("com.openfaas.scale.max", "3"),
                ("com.openfaas.scale.down-window", "3s")),
        });

        // Four callers each keep one sha512sum busy: far above 90 millicores (100 × 0.9) even on a loaded machine.
        using var load = new LoadLoop(Daemon.BaseAddress, $"/function/{name}/cgi-bin/burn", concurrency: 4);
        var loading = load.RunAsync(TimeSpan.FromSeconds(25), maxRequests: 2_000);
        var timeline = new List<string>();
        ulong replicas = 1;
        while (load.Elapsed < TimeSpan.FromSeconds(20) && replicas < 2)
        {
            replicas = (await DescribeAsync(name)).AvailableReplicas;
            timeline.Add($"{load.Elapsed.TotalSeconds:0.0}s:{replicas}");
            await Task.Delay(250);
        }

        load.Stop();
        var result = await loading;
        TestContext.Out.WriteLine($"scale-up timeline (elapsed:available): {string.Join(' ', timeline)}");
        Assert.That(replicas, Is.GreaterThanOrEqualTo(2UL), $"available replicas under CPU load: {string.Join(' ', timeline)}");
        Assert.That(result.Failures, Is.Empty, string.Join("; ", result.Failures.Take(5)));
        Assert.That(Daemon.Output, Does.Contain($"Autoscaling {name}.openfaas-fn from 1 to").And.Contain("Cpu, target 100 per replica"));

        var deadline = Stopwatch.StartNew();
        while (!((await DescribeAsync(name)).Replicas == 1 && Tasks(name).Count == 1))
        {
            Assert.That(deadline.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "the autoscaler to return to min after the 3 s down window");
            await Task.Delay(250);
        }
    }

    [Test]
    public async Task Capacity_autoscaling_adds_replicas_within_ten_seconds_of_load_and_returns_to_min_after_the_window()
    {
        var name = Name("auto");
        await DeployLikeFaasCliAsync(new
        {
            service = name,
            image = _replicaImage.Reference,
            labels = Labels(
                ("com.openfaas.scale.type", "capacity"),
                ("com.openfaas.scale.target", "2"),
                ("com.openfaas.scale.min", "1"),
                ("com.openfaas.scale.max", "5"),
                ("com.openfaas.scale.down-window", "3s")),
        });

        using var load = new LoadLoop(Daemon.BaseAddress, $"/function/{name}/cgi-bin/sleep?1", concurrency: 8);
        var loading = load.RunAsync(TimeSpan.FromSeconds(20), maxRequests: 400);
        var timeline = new List<string>();
        ulong replicas = 0;
        while (load.Elapsed < TimeSpan.FromSeconds(10) && replicas < 3)
        {
            replicas = (await DescribeAsync(name)).AvailableReplicas;
            timeline.Add($"{load.Elapsed.TotalSeconds:0.0}s:{replicas}");
            await Task.Delay(250);
        }

        Assert.That(replicas, Is.GreaterThanOrEqualTo(3UL), $"available replicas under c=8 of a 1 s function: {string.Join(' ', timeline)}");
        load.Stop();
        var result = await loading;
        Assert.That(result.Failures, Is.Empty, string.Join("; ", result.Failures.Take(5)));

        // Replicas counts those not draining; their containers go once their last requests have ended.
        await WaitUntilAsync(async () => (await DescribeAsync(name)).Replicas == 1 && Tasks(name).Count == 1, "the autoscaler to return to min after the down window");
        TestContext.Out.WriteLine($"scale-up timeline (elapsed:available): {string.Join(' ', timeline)}");
        Assert.That(Daemon.Output, Does.Contain($"Autoscaling {name}.openfaas-fn from 1 to"));
    }

    [Test]
    public async Task Alertmanager_firing_adds_a_step_and_resolved_returns_to_min()
    {
        var name = Name("alert");
        await DeployLikeFaasCliAsync(new { service = name, image = _replicaImage.Reference, labels = Labels(("com.openfaas.scale.max", "4")) });

        await AlertAsync(name, "firing");
        Assert.That((await DescribeAsync(name)).Replicas, Is.EqualTo(2), "max 4, factor 10: one replica per firing alert");
        await AlertAsync(name, "firing");
        Assert.That((await DescribeAsync(name)).AvailableReplicas, Is.EqualTo(3));
        await AlertAsync(name, "resolved");
        Assert.That((await DescribeAsync(name)).Replicas, Is.EqualTo(1));
        Assert.That(Tasks(name), Has.Count.EqualTo(1));

        using var bad = await Api.PostAsync("/system/alert", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await bad.Content.ReadAsStringAsync(), Is.EqualTo("Unable to parse alert, bad format.\n"));
    }

    private async Task AlertAsync(string name, string status)
    {
        var body = new
        {
            status,
            receiver = "scale-up",
            alerts = new[] { new { status, labels = new Dictionary<string, string> { ["alertname"] = "APIHighInvocationRate", ["function_name"] = $"{name}.openfaas-fn" } } },
        };
        using var response = await Api.PostAsync("/system/alert", JsonContent.Create(body));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Removing_a_function_removes_every_replica()
    {
        var name = Name("rm");
        await DeployLikeFaasCliAsync(new { service = name, image = _replicaImage.Reference, labels = Labels(("com.openfaas.scale.min", "3")) });
        Assert.That(Tasks(name), Has.Count.EqualTo(3));

        using var response = await DeleteAsync(name);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Tasks(name), Is.Empty);
        Assert.That(Directory.Exists($"/var/run/netns"), Is.True);
        Assert.That(Directory.GetFiles("/var/run/netns").Where(f => Path.GetFileName(f).Contains(name, StringComparison.Ordinal)), Is.Empty, "no netns left");
    }

    internal static Dictionary<string, string> Labels(params (string Key, string Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    internal async Task<FunctionStatusDto> DescribeAsync(string name) =>
        (await Api.GetFromJsonAsync<FunctionStatusDto>($"/system/function/{name}"))!;

    internal async Task ScaleAsync(string name, int replicas)
    {
        using var response = await Api.PostAsync($"/system/scale-function/{name}", JsonContent.Create(new { serviceName = name, replicas }));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > Patience)
            {
                Assert.Fail($"timed out waiting for {what}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>The function's containers that have a live task, with the pid of each one's first process.</summary>
    internal static Dictionary<string, int> Tasks(string name)
    {
        var found = new Dictionary<string, int>();
        foreach (var dir in CgroupDirectories(name))
        {
            var procs = File.ReadAllLines(Path.Combine(dir, "cgroup.procs")).Where(l => l.Length > 0).Select(int.Parse).ToList();
            if (procs.Count > 0)
            {
                found[Path.GetFileName(dir)] = procs.Min();
            }
        }

        return found;
    }

    private static IEnumerable<string> CgroupDirectories(string name)
    {
        foreach (var root in new[] { "/sys/fs/cgroup/freezer/faasd/openfaas-fn", "/sys/fs/cgroup/faasd/openfaas-fn" })
        {
            if (!Directory.Exists(root))
            {
                continue;
            }

            foreach (var dir in Directory.GetDirectories(root))
            {
                var id = Path.GetFileName(dir);
                if (id == name || id.StartsWith(name + ".", StringComparison.Ordinal))
                {
                    yield return dir;
                }
            }
        }
    }

    private static List<bool> Frozen(string name) =>
        [.. CgroupDirectories(name).Where(d => File.ReadAllText(Path.Combine(d, "cgroup.procs")).Trim().Length > 0).Select(d =>
        {
            var v1 = Path.Combine(d, "freezer.state");
            return File.Exists(v1) ? File.ReadAllText(v1).Trim() == "FROZEN" : File.ReadAllLines(Path.Combine(d, "cgroup.events")).Contains("frozen 1");
        })];

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    private const string WhoAmIScript = """
        #!/bin/sh
        printf 'Content-Type: text/plain\r\n\r\n'
        ip -4 -o addr show dev eth0 | awk '{print $4}'

        """;

    private const string HealthScript = """
        #!/bin/sh
        if [ -e /dev/shm/sick ]; then printf 'Status: 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\nsick\n'; exit 0; fi
        printf 'Content-Type: text/plain\r\n\r\nok\n'

        """;

    private const string BurnScript = """
        #!/bin/sh
        printf 'Content-Type: text/plain\r\n\r\n'
        head -c 67108864 /dev/zero | sha512sum >/dev/null
        echo burnt

        """;

    private const string SickenScript = """
        #!/bin/sh
        touch /dev/shm/sick
        printf 'Content-Type: text/plain\r\n\r\nsickened\n'

        """;
}

/// <summary>The daemon's own runtime code over the test containerd, to read the state of the function's tasks.</summary>
internal sealed class RuntimeProbe : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly IContainerRuntime _runtime;

    public RuntimeProbe(string cniDir)
    {
        _services = new ServiceCollection()
            .AddLogging()
            .AddContainerdClient(TestEnvironment.ContainerdSocket)
            .AddContainerNetwork(o => o.ConfigListPath = Path.Combine(cniDir, "10-openfaas.conflist"))
            .AddImageService()
            .AddContainerRuntime()
            .BuildServiceProvider();
        _runtime = _services.GetRequiredService<IContainerRuntime>();
    }

    /// <summary>containerd's task status ("Running", "Paused", ...) of each of the function's containers that has a live task.</summary>
    public async Task<Dictionary<string, string>> TaskStatesAsync(string name)
    {
        var states = new Dictionary<string, string>();
        foreach (var id in ReplicaTests.Tasks(name).Keys.Order(StringComparer.Ordinal))
        {
            states[id] = (await _runtime.GetTaskAsync("openfaas-fn", id, CancellationToken.None)).State.ToString();
        }

        return states;
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}

/// <summary>A bounded load: N concurrent callers repeating one GET until the time or count runs out; every non-2xx is kept with its time.</summary>
internal sealed class LoadLoop(Uri baseAddress, string path, int concurrency) : IDisposable
{
    private readonly HttpClient _client = new(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = new();

    public TimeSpan Elapsed => _clock.Elapsed;

    public void Stop() => _stop.Cancel();

    public async Task<LoadResult> RunAsync(TimeSpan duration, int maxRequests)
    {
        _stop.CancelAfter(duration);
        _clock.Start();
        var failures = new ConcurrentBag<LoadFailure>();
        var succeeded = 0;
        var issued = 0;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (!_stop.IsCancellationRequested && Interlocked.Increment(ref issued) <= maxRequests)
            {
                var at = _clock.Elapsed;
                try
                {
                    using var response = await _client.GetAsync(path);
                    var body = await response.Content.ReadAsStringAsync();
                    if (response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref succeeded);
                    }
                    else
                    {
                        failures.Add(new LoadFailure(at, $"{(int)response.StatusCode} {body.Trim()}"));
                    }
                }
                catch (HttpRequestException ex)
                {
                    failures.Add(new LoadFailure(at, ex.Message));
                }
            }
        }));
        return new LoadResult(succeeded, [.. failures.OrderBy(f => f.At)]);
    }

    public void Dispose()
    {
        _stop.Dispose();
        _client.Dispose();
    }
}

internal sealed record LoadFailure(TimeSpan At, string What);

internal sealed record LoadResult(int Succeeded, IReadOnlyList<LoadFailure> Failures);
