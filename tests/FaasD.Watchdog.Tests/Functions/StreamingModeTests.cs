using System.Net;
using System.Security.Cryptography;
using FaasD.Watchdog.Tests.Support;
using NUnit.Framework;

namespace FaasD.Watchdog.Tests.Functions;

[TestFixture]
public sealed class StreamingModeTests
{
    [Test]
    public async Task ModeUnset_StreamsTenMegabytesThroughSha512sum()
    {
        await using var watchdog = await WatchdogProcess.StartAsync(new Dictionary<string, string> { ["fprocess"] = "sha512sum" });
        var payload = new byte[10 * 1024 * 1024];
        new Random(6).NextBytes(payload);
        var expected = Convert.ToHexStringLower(SHA512.HashData(payload));

        // Chunked upload: the body must be streamed into stdin, not announced up front.
        using var content = new StreamContent(new MemoryStream(payload));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await watchdog.Client.SendAsync(request);

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo($"{expected}  -\n"));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/octet-stream"));
            Assert.That(response.Headers.Contains("X-Duration-Seconds"), Is.False, "streaming mode sets no duration header");
        });
    }

    [Test]
    public async Task Env_SeesOfWatchdogVariables()
    {
        await using var watchdog = await WatchdogProcess.StartAsync(new Dictionary<string, string> { ["mode"] = "streaming", ["fprocess"] = "env" });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/fn/sub?q=1");
        request.Headers.Add("X-Call-Id", "abc");

        using var response = await watchdog.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("Http_Method=GET\n"));
            Assert.That(text, Does.Contain("Http_Path=/fn/sub\n"));
            Assert.That(text, Does.Contain("Http_Query=q=1\n"));
            Assert.That(text, Does.Contain("Http_X_Call_Id=abc\n"));
            Assert.That(text, Does.Not.Contain("Http_Host="), "Host is classic-only");
        });
    }

    [Test]
    public async Task OutputArrivesBeforeTheProcessEnds()
    {
        var scripts = Directory.CreateTempSubdirectory("fwatchdog-scripts-").FullName;
        var slow = Scripts.Create(scripts, "slow.sh", "echo first\nsleep 2\necho second");
        try
        {
            await using var watchdog = await WatchdogProcess.StartAsync(new Dictionary<string, string> { ["fprocess"] = slow });
            var clock = System.Diagnostics.Stopwatch.StartNew();

            using var response = await watchdog.Client.GetAsync(new Uri("/", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            var first = await reader.ReadLineAsync();
            var firstAt = clock.Elapsed;
            var rest = await reader.ReadToEndAsync();

            Assert.Multiple(() =>
            {
                Assert.That(first, Is.EqualTo("first"));
                Assert.That(firstAt, Is.LessThan(TimeSpan.FromSeconds(1.5)), "the first line must not wait for the process to finish");
                Assert.That(rest, Is.EqualTo("second\n"));
            });
        }
        finally
        {
            Directory.Delete(scripts, recursive: true);
        }
    }

    [Test]
    public async Task ExecTimeout_BeforeOutput_Answers500()
    {
        await using var watchdog = await WatchdogProcess.StartAsync(new Dictionary<string, string> { ["fprocess"] = "sleep 30", ["exec_timeout"] = "1" });

        using var response = await watchdog.Client.PostAsync(new Uri("/", UriKind.Relative), new StringContent(""));

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("exec_timeout"));
        });
    }

    [Test]
    public async Task CrashingProcess_Answers500()
    {
        await using var watchdog = await WatchdogProcess.StartAsync(new Dictionary<string, string> { ["fprocess"] = "false" });

        using var response = await watchdog.Client.PostAsync(new Uri("/", UriKind.Relative), new StringContent(""));

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("exit status 1\n"));
        });
    }

    [Test]
    public async Task MissingProgram_Answers500WithReason()
    {
        await using var watchdog = await WatchdogProcess.StartAsync(new Dictionary<string, string> { ["fprocess"] = "/nonexistent/fn" });

        using var response = await watchdog.Client.PostAsync(new Uri("/", UriKind.Relative), new StringContent(""));

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("/nonexistent/fn"));
        });
    }
}
