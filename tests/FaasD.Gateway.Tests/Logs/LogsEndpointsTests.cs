using System.Net;
using System.Text.Json;
using FaasD.Functions.Abstractions;
using FaasD.Gateway.Tests.Infrastructure;
using NUnit.Framework;

namespace FaasD.Gateway.Tests.Logs;

internal sealed class LogsEndpointsTests : GatewayTestBase
{
    private static LogEntry Entry(int i) =>
        new("echo", "openfaas-fn", "echo-1", new DateTimeOffset(2024, 5, 1, 10, 0, i, TimeSpan.Zero).AddTicks(1234), $"line {i}");

    [Test]
    public async Task NoFollow_Tail_StreamsLastLinesAsNdjson()
    {
        Gateway.LogSource.Stored.AddRange([Entry(1), Entry(2), Entry(3)]);

        using var response = await Client.GetAsync("/system/logs?name=echo&follow=false&tail=2");
        var body = await response.Content.ReadAsStringAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/x-ndjson"));
            Assert.That(body, Is.EqualTo(
                """{"name":"echo","namespace":"openfaas-fn","instance":"echo-1","timestamp":"2024-05-01T10:00:02.0001234Z","text":"line 2"}""" + "\n" +
                """{"name":"echo","namespace":"openfaas-fn","instance":"echo-1","timestamp":"2024-05-01T10:00:03.0001234Z","text":"line 3"}""" + "\n"));
            Assert.That(Gateway.LogSource.LastRequest!.Follow, Is.False);
            Assert.That(Gateway.LogSource.LastRequest.Tail, Is.EqualTo(2));
        }
    }

    [Test]
    public async Task Follow_FlushesEachLineAsItArrives()
    {
        Gateway.LogSource.Stored.Add(Entry(1));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        // faas-cli logs defaults: follow=true, tail=-1.
        using var response = await Client.GetAsync("/system/logs?name=echo&follow=true&tail=-1", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));

        var first = await reader.ReadLineAsync(cts.Token);
        await Gateway.LogSource.Live.Writer.WriteAsync(Entry(7), cts.Token);
        var live = await reader.ReadLineAsync(cts.Token);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(JsonDocument.Parse(first!).RootElement.GetProperty("text").GetString(), Is.EqualTo("line 1"));
            Assert.That(JsonDocument.Parse(live!).RootElement.GetProperty("text").GetString(), Is.EqualTo("line 7"));
            Assert.That(Gateway.LogSource.LastRequest!.Follow, Is.True);
            Assert.That(Gateway.LogSource.LastRequest.Tail, Is.EqualTo(-1));
        }
    }

    [Test]
    public async Task Follow_HeadersArriveBeforeAnyLine()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        using var response = await Client.GetAsync("/system/logs?name=echo&follow=1", HttpCompletionOption.ResponseHeadersRead, cts.Token);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase("tail=abc")]
    [TestCase("tail=1.5")]
    [TestCase("since=yesterday")]
    [TestCase("since=2024-05-01")]
    [TestCase("since=2024-05-01T10:00:00")]
    public async Task BadTailOrSince_Returns422(string query)
    {
        using var response = await Client.GetAsync($"/system/logs?name=echo&{query}");

        await AssertGoErrorAsync(response, 422, "could not parse the log request");
    }

    [Test]
    public async Task Since_ParsedAsRfc3339_DefaultIsFiveMinutesAgo()
    {
        using (await Client.GetAsync("/system/logs?name=echo&follow=false&since=2024-05-01T10:00:00.5%2B02:00"))
        {
        }

        var explicitSince = Gateway.LogSource.LastRequest!.Since;
        var before = DateTimeOffset.UtcNow;
        using (await Client.GetAsync("/system/logs?name=echo&follow=false"))
        {
        }

        Assert.That(explicitSince, Is.EqualTo(new DateTimeOffset(2024, 5, 1, 8, 0, 0, 500, TimeSpan.Zero)));
        Assert.That(Gateway.LogSource.LastRequest!.Since, Is.EqualTo(before.AddMinutes(-5)).Within(TimeSpan.FromSeconds(5)));
    }

    [TestCase("yes", false)]
    [TestCase("T", true)]
    [TestCase("0", false)]
    [TestCase("TRUE", true)]
    public async Task Follow_ParsedLikeGoParseBool(string value, bool expected)
    {
        await Gateway.LogSource.Live.Writer.WriteAsync(Entry(1));
        Gateway.LogSource.Live.Writer.Complete();

        using (await Client.GetAsync($"/system/logs?name=echo&follow={value}"))
        {
        }

        Assert.That(Gateway.LogSource.LastRequest!.Follow, Is.EqualTo(expected));
    }

    [Test]
    public async Task NamespaceFromQuery()
    {
        using (await Client.GetAsync("/system/logs?name=echo&namespace=team-a&follow=false"))
        {
        }

        Assert.That(Gateway.LogSource.LastRequest!.Namespace, Is.EqualTo("team-a"));
    }

    [Test]
    public async Task SourceFailure_Returns500()
    {
        Gateway.LogSource.Fail = new IOException("journal unreadable");

        using var response = await Client.GetAsync("/system/logs?name=echo");

        await AssertGoErrorAsync(response, 500, "function log request failed");
    }
}
