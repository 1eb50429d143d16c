using System.Net;
using System.Net.Http.Json;
using System.Text;
using FaasD.TestSupport;
using NUnit.Framework;

namespace FaasD.Tests.Daemon;

/// <summary>The daemon driven with the requests faas-cli sends, against real containerd, CNI and the registry.</summary>
[Integration]
[NonParallelizable]
internal sealed class FaasCliContractTests : DaemonFixture
{
    [Test]
    public async Task Deploy_list_describe_invoke_and_remove_like_faas_cli()
    {
        var name = Name("echo");
        await DeployLikeFaasCliAsync(new { service = name, image = Httpd.Reference, labels = new { }, annotations = new { } });

        var list = await Api.GetFromJsonAsync<List<FunctionStatusDto>>("/system/functions");
        var listed = list!.Single(f => f.Name == name);
        Assert.That(listed.Image, Is.EqualTo(Httpd.Reference));
        Assert.That(listed.Replicas, Is.EqualTo(1));

        var described = await Api.GetFromJsonAsync<FunctionStatusDto>($"/system/function/{name}?usage=1");
        Assert.That(described!.AvailableReplicas, Is.EqualTo(1));

        // faas-cli invoke always names the namespace; paths and raw queries reach the function unchanged.
        var echo = await InvokeAsync($"/function/{name}.openfaas-fn/cgi-bin/echo/a/b?x=1&y=%20z", HttpMethod.Post, "hello body");
        Assert.That(echo, Does.Contain("method: POST"));
        Assert.That(echo, Does.Contain("path: /cgi-bin/echo/a/b"));
        Assert.That(echo, Does.Contain("query: x=1&y=%20z"));
        Assert.That(echo, Does.Contain("header: HTTP_X_START_TIME="));
        Assert.That(echo, Does.EndWith("body:\nhello body"));
        Assert.That(await InvokeAsync($"/function/{name}"), Is.EqualTo("faasd test image: busybox httpd\n"));

        using var removed = await DeleteAsync(name);
        Assert.That(removed.StatusCode, Is.EqualTo(HttpStatusCode.OK), await removed.Content.ReadAsStringAsync());
        using var gone = await Api.GetAsync($"/system/function/{name}");
        Assert.That(gone.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        using var plain = new HttpClient { BaseAddress = Daemon.BaseAddress };
        using var invokeGone = await plain.GetAsync($"/function/{name}");
        Assert.That(invokeGone.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(File.Exists($"/var/run/netns/openfaas-fn.{name}") || Directory.GetFiles("/var/run/netns", $"*{name}*").Length > 0, Is.False, "netns left behind");
    }

    [Test]
    public async Task A_stack_yml_deploy_gets_env_secrets_and_labels()
    {
        var name = Name("stack");
        using (var secret = await Api.PostAsync("/system/secrets", JsonContent.Create(new { name = $"{name}-key", value = "s3cr3t" })))
        {
            Assert.That(secret.StatusCode, Is.EqualTo(HttpStatusCode.OK), await secret.Content.ReadAsStringAsync());
        }

        await DeployLikeFaasCliAsync(new
        {
            service = name,
            image = SecretReader.Reference,
            envProcess = "cat",
            envVars = new Dictionary<string, string> { ["GREETING"] = "hello from stack.yml" },
            secrets = new[] { $"{name}-key" },
            labels = new Dictionary<string, string> { ["team"] = "blue" },
            annotations = new Dictionary<string, string> { ["topic"] = "cron-function" },
        });

        var env = await InvokeAsync($"/function/{name}/cgi-bin/env");
        Assert.That(env, Does.Contain("GREETING=hello from stack.yml"));
        Assert.That(env, Does.Contain("fprocess=cat"));
        Assert.That(await InvokeAsync($"/function/{name}/cgi-bin/secret?{name}-key"), Is.EqualTo("s3cr3t"));

        var described = await Api.GetFromJsonAsync<FunctionStatusDto>($"/system/function/{name}");
        Assert.That(described!.Labels!["team"], Is.EqualTo("blue"));
        Assert.That(described.Annotations!["topic"], Is.EqualTo("cron-function"));
        Assert.That(described.Secrets, Is.EqualTo(new[] { $"{name}-key" }));
        Assert.That(described.EnvProcess, Is.EqualTo("cat"));
        Assert.That(described.EnvVars!["GREETING"], Is.EqualTo("hello from stack.yml"));
    }

    [Test]
    public async Task Update_replaces_the_function_and_it_keeps_answering()
    {
        var name = Name("upd");
        await DeployLikeFaasCliAsync(new { service = name, image = Httpd.Reference, envVars = new Dictionary<string, string> { ["V"] = "1" } });
        Assert.That(await InvokeAsync($"/function/{name}/cgi-bin/env"), Does.Contain("V=1"));

        await DeployLikeFaasCliAsync(new { service = name, image = Httpd.Reference, envVars = new Dictionary<string, string> { ["V"] = "2" } });
        Assert.That(await InvokeAsync($"/function/{name}/cgi-bin/env"), Does.Contain("V=2"));
        var described = await Api.GetFromJsonAsync<FunctionStatusDto>($"/system/function/{name}");
        Assert.That(described!.EnvVars!["V"], Is.EqualTo("2"));
    }

    [Test]
    public async Task An_update_under_load_drops_no_request()
    {
        var name = Name("rolling");
        await DeployLikeFaasCliAsync(new { service = name, image = Httpd.Reference, envVars = new Dictionary<string, string> { ["V"] = "1" } });

        using var plain = new HttpClient { BaseAddress = Daemon.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var stop = new CancellationTokenSource();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var served = 0;
        var load = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await plain.GetAsync($"/function/{name}/");
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref served);
                    }
                    else
                    {
                        failures.Enqueue($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    }
                }
                catch (HttpRequestException ex)
                {
                    failures.Enqueue(ex.Message);
                }
            }
        })).ToList();

        await Task.Delay(300);
        await DeployLikeFaasCliAsync(new { service = name, image = Httpd.Reference, envVars = new Dictionary<string, string> { ["V"] = "2" } });
        await Task.Delay(1500);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.That(failures, Is.Empty, string.Join("\n", failures.Take(5)));
        Assert.That(served, Is.GreaterThan(20));
        Assert.That(await InvokeAsync($"/function/{name}/cgi-bin/env"), Does.Contain("V=2"));
    }

    [Test]
    public async Task Function_output_is_served_by_the_logs_endpoint()
    {
        var name = Name("logs");
        await DeployLikeFaasCliAsync(new { service = name, image = SecretReader.Reference });
        Assert.That(await InvokeAsync($"/function/{name}/cgi-bin/log?marker-{name}"), Is.EqualTo("logged\n"));

        var deadline = DateTime.UtcNow.AddSeconds(20);
        string body = "";
        while (DateTime.UtcNow < deadline)
        {
            body = await Api.GetStringAsync($"/system/logs?name={name}&follow=false&tail=-1");
            if (body.Contains($"function says marker-{name}", StringComparison.Ordinal))
            {
                break;
            }

            await Task.Delay(250);
        }

        var line = body.Split('\n').FirstOrDefault(l => l.Contains($"marker-{name}", StringComparison.Ordinal));
        Assert.That(line, Is.Not.Null, body);
        Assert.That(line, Does.Contain($"\"name\":\"{name}\""));
        Assert.That(line, Does.Contain("\"namespace\":\"openfaas-fn\""));
    }

    [Test]
    public async Task Bad_input_gets_a_clear_4xx_and_leaves_nothing()
    {
        using var badName = await DeployAsync(new { service = "Bad_Name", image = Httpd.Reference });
        Assert.That(badName.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await badName.Content.ReadAsStringAsync(), Does.Contain("Bad_Name"));

        var missing = Name("noimg");
        using var noImage = await DeployAsync(new { service = missing, image = $"{TestEnvironment.Registry}/faasd-test/does-not-exist:1" });
        Assert.That(noImage.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await noImage.Content.ReadAsStringAsync(), Does.Contain("does-not-exist"));
        using var notListed = await Api.GetAsync($"/system/function/{missing}");
        Assert.That(notListed.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        using var malformed = await Api.PostAsync("/system/functions", new StringContent("{\"service\":", Encoding.UTF8, "application/json"));
        Assert.That(malformed.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

        using var badNs = await DeployAsync(new { service = Name("ns"), image = Httpd.Reference, @namespace = "no-such-ns" });
        Assert.That(badNs.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

        using var unauth = new HttpClient { BaseAddress = Daemon.BaseAddress };
        unauth.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer ");
        using var denied = await unauth.GetAsync("/system/functions");
        Assert.That(denied.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Functions_survive_a_kill_9_of_the_daemon_and_are_adopted_not_restarted()
    {
        var name = Name("survive");
        await DeployLikeFaasCliAsync(new { service = name, image = Httpd.Reference, envVars = new Dictionary<string, string> { ["KEEP"] = "me" } });
        var before = await InvokeAsync($"/function/{name}/cgi-bin/env");
        var pidBefore = TaskPid(name);

        await Daemon.KillAsync();
        await Daemon.StartAsync();

        var described = await Api.GetFromJsonAsync<FunctionStatusDto>($"/system/function/{name}");
        Assert.That(described!.EnvVars!["KEEP"], Is.EqualTo("me"));
        Assert.That(described.AvailableReplicas, Is.EqualTo(1));
        Assert.That(await InvokeAsync($"/function/{name}/cgi-bin/env"), Does.Contain("KEEP=me"));
        Assert.That(TaskPid(name), Is.EqualTo(pidBefore), "the running task was restarted instead of adopted");
        Assert.That(before, Does.Contain("KEEP=me"));
    }

    /// <summary>
    /// The pid of the function's httpd (the task's first process; a CGI child may be listed too), found through its
    /// cgroup (the runtime names it after the function).
    /// </summary>
    private static string TaskPid(string name)
    {
        var candidates = Directory.GetDirectories("/sys/fs/cgroup/freezer", $"*{name}*", SearchOption.AllDirectories)
            .Concat(Directory.Exists("/sys/fs/cgroup/unified") ? Directory.GetDirectories("/sys/fs/cgroup/unified", $"*{name}*", SearchOption.AllDirectories) : [])
            .ToList();
        Assert.That(candidates, Is.Not.Empty, $"no cgroup for {name}");
        return File.ReadAllLines(Path.Combine(candidates[0], "cgroup.procs")).Select(int.Parse).Min().ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
