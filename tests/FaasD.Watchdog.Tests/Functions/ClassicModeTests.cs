using System.Net;
using System.Text;
using FaasD.Watchdog.Tests.Support;
using NUnit.Framework;

namespace FaasD.Watchdog.Tests.Functions;

[TestFixture]
public sealed class ClassicModeTests
{
    [Test]
    public async Task Cat_EchoesBodyWithRequestContentTypeAndDuration()
    {
        await using var watchdog = await WatchdogProcess.StartAsync(new Dictionary<string, string> { ["mode"] = "classic", ["fprocess"] = "cat" });

        using var response = await watchdog.Client.PostAsync(new Uri("/", UriKind.Relative), new StringContent("hello watchdog", Encoding.UTF8, "text/x-test"));

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("hello watchdog"));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/x-test"));
            Assert.That(double.Parse(response.Headers.GetValues("X-Duration-Seconds").Single(), System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThan(0));
        });
    }

    [Test]
    public async Task Env_SeesRequestAsHttpVariables()
    {
        await using var watchdog = await WatchdogProcess.StartAsync(new Dictionary<string, string> { ["mode"] = "classic", ["fprocess"] = "env" });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/some/path?a=1&b=two")
        {
            Content = new StringContent("12345", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-call-id", "call-42");
        request.Headers.UserAgent.ParseAdd("watchdog-test/1.0");

        using var response = await watchdog.Client.SendAsync(request);
        var variables = ParseEnv(await response.Content.ReadAsStringAsync());

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(variables["Http_Method"], Is.EqualTo("POST"));
            Assert.That(variables["Http_Query"], Is.EqualTo("a=1&b=two"));
            Assert.That(variables["Http_Path"], Is.EqualTo("/some/path"));
            Assert.That(variables["Http_Content_Type"], Is.EqualTo("application/json; charset=utf-8"));
            Assert.That(variables["Http_X_Call_Id"], Is.EqualTo("call-42"));
            Assert.That(variables["Http_User_Agent"], Is.EqualTo("watchdog-test/1.0"));
            Assert.That(variables["Http_ContentLength"], Is.EqualTo("5"));
            Assert.That(variables["Http_Content_Length"], Is.EqualTo("5"));
            Assert.That(variables["Http_Host"], Is.EqualTo($"127.0.0.1:{watchdog.Port}"));
            Assert.That(variables, Does.Not.ContainKey("Http_ContentType"));
            // The container environment is inherited too.
            Assert.That(variables["fprocess"], Is.EqualTo("env"));
        });
    }

    [Test]
    public async Task ExecTimeout_Answers408AndKillsProcess()
    {
        await using var watchdog = await WatchdogProcess.StartAsync(new Dictionary<string, string>
        {
            ["mode"] = "classic",
            ["fprocess"] = "sleep 30",
            ["exec_timeout"] = "500ms",
        });
        var clock = System.Diagnostics.Stopwatch.StartNew();

        using var response = await watchdog.Client.PostAsync(new Uri("/", UriKind.Relative), new StringContent(""));

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestTimeout));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("Killed process.\n"));
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        });
    }

    [Test]
    public async Task CrashingProcess_Answers500WithExitStatusAndLogsStderr()
    {
        var scripts = Directory.CreateTempSubdirectory("fwatchdog-scripts-").FullName;
        var crash = Scripts.Create(scripts, "crash.sh", "echo partial output\necho something broke >&2\nexit 3");
        try
        {
            await using var watchdog = await WatchdogProcess.StartAsync(new Dictionary<string, string>
            {
                ["mode"] = "classic",
                ["fprocess"] = crash,
                ["combine_output"] = "false",
            });

            using var response = await watchdog.Client.PostAsync(new Uri("/", UriKind.Relative), new StringContent("x"));
            var body = await response.Content.ReadAsStringAsync();
            await Task.Delay(200);

            Assert.Multiple(() =>
            {
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
                Assert.That(body, Does.StartWith("exit status 3"));
                Assert.That(body, Does.Not.Contain("something broke"), "stderr goes to the log when combine_output=false");
                Assert.That(watchdog.Stderr, Does.Contain("stderr: something broke"));
            });
        }
        finally
        {
            Directory.Delete(scripts, recursive: true);
        }
    }

    [Test]
    public async Task UnsupportedMethod_Answers405()
    {
        await using var watchdog = await WatchdogProcess.StartAsync(new Dictionary<string, string> { ["mode"] = "classic", ["fprocess"] = "cat" });

        using var response = await watchdog.Client.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
    }

    [Test]
    public async Task ReadyPath_IsAnOrdinaryFunctionCall()
    {
        await using var watchdog = await WatchdogProcess.StartAsync(new Dictionary<string, string> { ["mode"] = "classic", ["fprocess"] = "env" });

        using var response = await watchdog.Client.GetAsync(new Uri("/_/ready", UriKind.Relative));

        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("Http_Path=/_/ready"), "the classic watchdog has no /_/ready");
    }

    private static Dictionary<string, string> ParseEnv(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .GroupBy(parts => parts[0])
            .ToDictionary(group => group.Key, group => group.First()[1]);
}
