using System.Net;
using FaasD.Watchdog.Tests.Support;
using NUnit.Framework;

namespace FaasD.Watchdog.Tests.Functions;

[TestFixture]
public sealed class SerializingModeTests
{
    [Test]
    public async Task Cat_EchoesBodyWithConfiguredContentTypeAndDuration()
    {
        await using var watchdog = await WatchdogProcess.StartAsync(new Dictionary<string, string>
        {
            ["mode"] = "serializing",
            ["fprocess"] = "cat",
            ["content_type"] = "application/json",
        });

        using var response = await watchdog.Client.PostAsync(new Uri("/", UriKind.Relative), new StringContent("{\"a\":1}"));

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("{\"a\":1}"));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            Assert.That(response.Content.Headers.ContentLength, Is.EqualTo(7));
            Assert.That(response.Headers.Contains("X-Duration-Seconds"), Is.True);
        });
    }

    [Test]
    public async Task CrashingProcess_Answers500WithDuration()
    {
        await using var watchdog = await WatchdogProcess.StartAsync(new Dictionary<string, string> { ["mode"] = "serializing", ["fprocess"] = "false" });

        using var response = await watchdog.Client.PostAsync(new Uri("/", UriKind.Relative), new StringContent(""));

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
            Assert.That(response.Headers.Contains("X-Duration-Seconds"), Is.True);
        });
    }

    [Test]
    public async Task ExecTimeout_Answers500()
    {
        await using var watchdog = await WatchdogProcess.StartAsync(new Dictionary<string, string>
        {
            ["mode"] = "serializing",
            ["fprocess"] = "sleep 30",
            ["exec_timeout"] = "300ms",
        });

        using var response = await watchdog.Client.PostAsync(new Uri("/", UriKind.Relative), new StringContent(""));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
    }
}
