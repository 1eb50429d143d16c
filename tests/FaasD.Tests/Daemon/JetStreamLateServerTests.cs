using System.Net;
using FaasD.TestSupport;
using NUnit.Framework;

namespace FaasD.Tests.Daemon;

/// <summary>
/// The async queue's NATS server comes up after the daemon (a compose service still starting, a NATS restart during
/// boot): the daemon answers 503 until it can reach JetStream, then accepts calls and runs them. A first connect
/// that failed used to leave the queue unreachable for good (NATS.Net's ConnectAsync on that connection never
/// completed, and the consume loop gave back a slot it had not taken).
/// </summary>
[Integration]
[NonParallelizable]
internal sealed class JetStreamLateServerTests : DaemonFixture
{
    private readonly NatsServerProcess _nats = new();

    protected override IReadOnlyDictionary<string, string> DaemonEnvironment => new Dictionary<string, string>
    {
        ["FAASD_QUEUE"] = _nats.Url,
    };

    protected override async Task AfterDaemonStoppedAsync() => await _nats.DisposeAsync();

    [Test]
    public async Task Calls_are_accepted_once_a_late_nats_server_is_up()
    {
        var name = Name("latenats");
        await DeployLikeFaasCliAsync(new { service = name, image = Httpd.Reference });
        await using var callbacks = await CallbackReceiver.StartAsync();
        using var plain = new HttpClient { BaseAddress = Daemon.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        using (var before = await PostAsync(plain, name, callbacks.Url))
        {
            Assert.That(before.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), "no NATS yet: 503 with a reason");
        }

        // Let the daemon's first connect attempts fail, then start the server it was pointed at.
        await Task.Delay(TimeSpan.FromSeconds(2));
        await _nats.StartAsync();

        HttpStatusCode status = 0;
        var callId = "";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (status != HttpStatusCode.Accepted && DateTime.UtcNow < deadline)
        {
            using var response = await PostAsync(plain, name, callbacks.Url);
            status = response.StatusCode;
            callId = response.Headers.TryGetValues("X-Call-Id", out var ids) ? ids.Single() : "";
            if (status != HttpStatusCode.Accepted)
            {
                await Task.Delay(500);
            }
        }

        Assert.That(status, Is.EqualTo(HttpStatusCode.Accepted), "accepted within 60 s of NATS coming up:\n" + Daemon.Output);
        var callback = await callbacks.WaitForAsync(callId, TimeSpan.FromSeconds(60));
        Assert.That(callback.Header("X-Function-Status"), Is.EqualTo("200"));
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string name, Uri callback)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/async-function/{name}/cgi-bin/echo") { Content = new StringContent("x") };
        request.Headers.Add("X-Callback-Url", callback.ToString());
        return await client.SendAsync(request);
    }
}
