using System.Net;
using System.Net.Http.Json;
using FaasD.TestSupport;
using NUnit.Framework;

namespace FaasD.Tests.Daemon;

/// <summary>Scale to zero against the real freezer: idle functions freeze, requests wake them, restarts keep them frozen.</summary>
[Integration]
[NonParallelizable]
internal sealed class ScaleToZeroTests : DaemonFixture
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Test]
    public async Task An_idle_function_is_frozen_and_the_next_request_wakes_it()
    {
        var name = Name("idle");
        await DeployLikeFaasCliAsync(new
        {
            service = name,
            image = Httpd.Reference,
            labels = new Dictionary<string, string> { ["com.openfaas.scale.zero"] = "true", ["com.openfaas.scale.zero-duration"] = "1s" },
        });
        Assert.That(await InvokeAsync($"/function/{name}"), Does.Contain("busybox httpd"));

        await WaitUntil(() => Frozen(name), "the idler to freeze the function");
        var described = await Api.GetFromJsonAsync<FunctionStatusDto>($"/system/function/{name}");
        Assert.That(described!.Replicas, Is.Zero);
        Assert.That(described.AvailableReplicas, Is.Zero);

        Assert.That(await InvokeAsync($"/function/{name}/cgi-bin/echo?woke=1"), Does.Contain("query: woke=1"));
        Assert.That(Frozen(name), Is.False);
    }

    [Test]
    public async Task Scale_api_freezes_and_thaws_and_fifty_concurrent_first_requests_all_succeed()
    {
        var name = Name("manual");
        await DeployLikeFaasCliAsync(new { service = name, image = Httpd.Reference });

        await ScaleAsync(name, 0);
        Assert.That(Frozen(name), Is.True);
        Assert.That((await Api.GetFromJsonAsync<FunctionStatusDto>($"/system/function/{name}"))!.AvailableReplicas, Is.Zero);

        using var plain = new HttpClient { BaseAddress = Daemon.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => plain.GetAsync($"/function/{name}/cgi-bin/echo?i={i}")));
        Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
        foreach (var response in responses)
        {
            response.Dispose();
        }

        Assert.That(Frozen(name), Is.False);
        await ScaleAsync(name, 0);
        await ScaleAsync(name, 1);
        Assert.That(Frozen(name), Is.False);
        Assert.That((await Api.GetFromJsonAsync<FunctionStatusDto>($"/system/function/{name}"))!.AvailableReplicas, Is.EqualTo(1));
    }

    [Test]
    public async Task A_frozen_function_stays_frozen_across_a_daemon_kill_and_wakes_after()
    {
        var name = Name("frozen");
        await DeployLikeFaasCliAsync(new { service = name, image = Httpd.Reference });
        await ScaleAsync(name, 0);

        await Daemon.KillAsync();
        await Daemon.StartAsync();

        Assert.That(Frozen(name), Is.True, "recovery thawed a frozen function");
        var described = await Api.GetFromJsonAsync<FunctionStatusDto>($"/system/function/{name}");
        Assert.That(described!.Replicas, Is.Zero);
        Assert.That(await InvokeAsync($"/function/{name}"), Does.Contain("busybox httpd"));
        Assert.That(Frozen(name), Is.False);
    }

    [Test]
    public async Task Deep_sleep_stops_the_task_and_the_next_request_is_a_cold_start()
    {
        var name = Name("deep");
        await DeployLikeFaasCliAsync(new
        {
            service = name,
            image = Httpd.Reference,
            labels = new Dictionary<string, string>
            {
                ["com.openfaas.scale.zero"] = "true",
                ["com.openfaas.scale.zero-duration"] = "1s",
                ["com.openfaas.scale.zero-stop-after"] = "1s",
            },
        });

        await WaitUntil(() => FreezerDirectory(name) is null, "deep sleep to stop the task");
        Assert.That(await InvokeAsync($"/function/{name}/cgi-bin/echo?cold=1"), Does.Contain("query: cold=1"));
        Assert.That(FreezerDirectory(name), Is.Not.Null);
    }

    private async Task ScaleAsync(string name, int replicas)
    {
        using var response = await Api.PostAsync($"/system/scale-function/{name}", JsonContent.Create(new { serviceName = name, replicas }));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting for {what}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>The function's cgroup: v1 freezer hierarchy, or the unified hierarchy on cgroup v2 hosts.</summary>
    private static string? FreezerDirectory(string name)
    {
        foreach (var root in new[] { "/sys/fs/cgroup/freezer/faasd/openfaas-fn", "/sys/fs/cgroup/faasd/openfaas-fn" })
        {
            var dir = Path.Combine(root, name);
            if (Directory.Exists(dir) && File.ReadAllText(Path.Combine(dir, "cgroup.procs")).Trim().Length > 0)
            {
                return dir;
            }
        }

        return null;
    }

    private static bool Frozen(string name)
    {
        var dir = FreezerDirectory(name) ?? throw new AssertionException($"{name} has no task cgroup");
        var v1 = Path.Combine(dir, "freezer.state");
        return File.Exists(v1)
            ? File.ReadAllText(v1).Trim() == "FROZEN"
            : File.ReadAllLines(Path.Combine(dir, "cgroup.events")).Contains("frozen 1");
    }
}
