using System.Net;
using System.Text.RegularExpressions;
using FaasD.TestSupport;
using FaasD.TestSupport.Images;
using NUnit.Framework;

namespace FaasD.Tests.Daemon;

/// <summary>
/// Two daemons on one JetStream stream share the work: 1,000 calls, each run (and called back) exactly once, by one
/// of them. Both daemons use the machine's containerd (the second one adopts the function the first deployed, as any
/// daemon recovers the functions it finds), each with its own state directory and gateway port.
/// </summary>
[Integration]
[NonParallelizable]
internal sealed partial class JetStreamSharedQueueTests : DaemonFixture
{
    private const int Calls = 1000;
    private readonly NatsServerProcess _nats = new();

    protected override IReadOnlyDictionary<string, string> DaemonEnvironment => new Dictionary<string, string>
    {
        ["FAASD_QUEUE"] = _nats.Url,
        ["FAASD_QUEUE_MAX_INFLIGHT"] = "4",
        ["FAASD_LOG_LEVEL"] = "Debug",
    };

    protected override Task PrepareStateDirectoryAsync(string stateDir) => _nats.StartAsync();

    protected override async Task AfterDaemonStoppedAsync() => await _nats.DisposeAsync();

    [Test]
    public async Task Two_daemons_on_one_stream_run_a_thousand_calls_exactly_once_between_them()
    {
        var name = Name("shared");
        await DeployLikeFaasCliAsync(new { service = name, image = Httpd.Reference });
        await using var second = new DaemonProcess(extraEnv: DaemonEnvironment);
        await second.StartAsync();
        await using var callbacks = await CallbackReceiver.StartAsync();

        var ids = new List<string>();
        using var first = new HttpClient { BaseAddress = Daemon.BaseAddress };
        using var other = new HttpClient { BaseAddress = second.BaseAddress };
        for (var batch = 0; batch < Calls / 20; batch++)
        {
            ids.AddRange(await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
            {
                var client = i % 2 == 0 ? first : other;
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/async-function/{name}/cgi-bin/echo") { Content = new StringContent("x") };
                request.Headers.Add("X-Callback-Url", callbacks.Url.ToString());
                using var response = await client.SendAsync(request);
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
                return response.Headers.GetValues("X-Call-Id").Single();
            })));
        }

        var delivered = await callbacks.WaitForAsync(ids, TimeSpan.FromMinutes(4));
        await Task.Delay(TimeSpan.FromSeconds(2)); // a duplicate, if there were one, would arrive just after
        var byFirst = FinishedCalls(Daemon.Output);
        var bySecond = FinishedCalls(second.Output);
        TestContext.Out.WriteLine($"shared stream: {Calls} calls, {byFirst.Count} run by the first daemon, {bySecond.Count} by the second");

        Assert.That(callbacks.Received.Count, Is.EqualTo(Calls), "every call is called back exactly once");
        Assert.That(delivered.Values.Select(v => v.Count), Is.All.EqualTo(1));
        Assert.That(delivered.Values.Select(v => v[0].Header("X-Function-Status")), Is.All.EqualTo("200"));
        Assert.That(byFirst.Intersect(bySecond), Is.Empty, "no call ran on both daemons");
        Assert.That(byFirst.Count + bySecond.Count, Is.EqualTo(Calls));
        Assert.That(byFirst, Is.Not.Empty);
        Assert.That(bySecond, Is.Not.Empty);
    }

    /// <summary>Call ids of the daemon's "Async call … finished" debug lines (event 7010).</summary>
    private static HashSet<string> FinishedCalls(string output) =>
        [.. FinishedLine().Matches(output).Select(m => m.Groups[1].Value)];

    [GeneratedRegex(@"Async call ([0-9a-f\-]{36}) to \S+ finished")]
    private static partial Regex FinishedLine();
}
