using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using FaasD.TestSupport;
using FaasD.TestSupport.Images;
using NUnit.Framework;

namespace FaasD.Tests.Daemon;

/// <summary>Functions made of our fwatchdog + a process, deployed and invoked through the daemon.</summary>
[Integration]
[NonParallelizable]
internal sealed class WatchdogFunctionTests : DaemonFixture
{
    private HttpClient _plain = null!;

    [OneTimeSetUp]
    public void CreateClient() => _plain = new HttpClient { BaseAddress = Daemon.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    [OneTimeTearDown]
    public void DisposeClient() => _plain.Dispose();

    [Test]
    public async Task Classic_cat_echoes_the_body_through_the_gateway()
    {
        var name = await DeployWatchdogAsync("echo", ["mode=classic", "fprocess=cat"]);

        using var response = await _plain.PostAsync($"/function/{name}", new StringContent("hello watchdog"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("hello watchdog"));
        Assert.That(response.Headers.Contains("X-Duration-Seconds"), Is.True);
    }

    [Test]
    public async Task Ten_megabytes_stream_through_sha512sum()
    {
        var name = await DeployWatchdogAsync("sha512", ["mode=streaming", "fprocess=sha512sum"]);
        var body = RandomNumberGenerator.GetBytes(10 * 1024 * 1024);

        using var response = await _plain.PostAsync($"/function/{name}", new ByteArrayContent(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        Assert.That(text.Split(' ')[0], Is.EqualTo(Convert.ToHexString(SHA512.HashData(body)).ToLowerInvariant()));
    }

    [Test]
    public async Task The_process_sees_the_request_as_Http_variables()
    {
        var name = await DeployWatchdogAsync("env", ["mode=classic", "fprocess=env"]);

        var text = await _plain.GetStringAsync($"/function/{name}.openfaas-fn/some/path?q=1");
        Assert.That(text, Does.Contain("Http_Method=GET"));
        Assert.That(text, Does.Contain("Http_Query=q=1"));
        Assert.That(text, Does.Contain("Http_Path=/some/path"));
        Assert.That(text, Does.Contain("Http_X_Call_Id="));
    }

    [Test]
    public async Task A_slow_process_hits_the_exec_timeout()
    {
        var name = await DeployWatchdogAsync("sleep", ["mode=classic", "fprocess=sleep 10", "exec_timeout=1s"]);

        using var response = await _plain.PostAsync($"/function/{name}", new StringContent(""));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestTimeout));
    }

    [Test]
    public async Task Http_mode_proxies_to_a_long_running_server()
    {
        var name = await DeployWatchdogAsync("http", ["mode=http", "fprocess=httpd -f -p 127.0.0.1:5000 -h /www", "upstream_url=http://127.0.0.1:5000"]);

        Assert.That(await _plain.GetStringAsync($"/function/{name}/"), Is.EqualTo(BusyboxHttpd.IndexText));
        Assert.That(await _plain.GetStringAsync($"/function/{name}/cgi-bin/echo?x=2"), Does.Contain("query: x=2"));
    }

    [Test]
    public async Task A_frozen_watchdog_function_wakes_on_its_first_request()
    {
        var name = await DeployWatchdogAsync("wake", ["mode=classic", "fprocess=cat"]);
        using (var scale = await Api.PostAsync($"/system/scale-function/{name}", JsonContent.Create(new { serviceName = name, replicas = 0 })))
        {
            Assert.That(scale.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => _plain.PostAsync($"/function/{name}", new StringContent($"wake {i}"))));
        for (var i = 0; i < responses.Length; i++)
        {
            Assert.That(await responses[i].Content.ReadAsStringAsync(), Is.EqualTo($"wake {i}"));
            responses[i].Dispose();
        }
    }

    private async Task<string> DeployWatchdogAsync(string kind, IReadOnlyList<string> env)
    {
        var image = await TestImages.WatchdogAsync(kind, env);
        var name = Name(kind);
        await DeployLikeFaasCliAsync(new { service = name, image = image.Reference });
        return name;
    }
}
