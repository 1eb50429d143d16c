using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FaasD.TestSupport;
using FaasD.TestSupport.Images;
using NUnit.Framework;

namespace FaasD.Tests.Daemon;

/// <summary>
/// <c>/async-function/</c> against a real daemon and real functions: accept, callback, retries, concurrency, a full
/// queue, a frozen function, and a kill -9 with 500 calls queued. Run once per backend (see the derived fixtures).
/// </summary>
internal abstract class AsyncQueueTests : DaemonFixture
{
    protected const int QueueLimit = 520;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private CallbackReceiver _callbacks = null!;
    private TestImage _queueImage = null!;

    protected CallbackReceiver Callbacks => _callbacks;

    protected override IReadOnlyDictionary<string, string> DaemonEnvironment => new Dictionary<string, string>
    {
        ["FAASD_QUEUE_MAX_SIZE"] = QueueLimit.ToString(CultureInfo.InvariantCulture),
        ["FAASD_QUEUE_MAX_BODY"] = "65536",
        ["FAASD_QUEUE_ACK_WAIT"] = "5s",
    };

    [OneTimeSetUp]
    public async Task StartCallbacks()
    {
        _callbacks = await CallbackReceiver.StartAsync();
        _queueImage = await TestImages.BuildAndPushAsync(
            "queue-functions",
            BusyboxHttpd.Contents()
                .AddFile("/www/cgi-bin/flaky", FlakyScript, ImageContents.ExecutableMode)
                .AddFile("/www/cgi-bin/slot", SlotScript, ImageContents.ExecutableMode),
            BusyboxHttpd.Config);
    }

    [OneTimeTearDown]
    public async Task StopCallbacks()
    {
        if (_callbacks is not null)
        {
            await _callbacks.DisposeAsync();
        }
    }

    [Test]
    public async Task A_call_is_accepted_with_202_and_its_callback_carries_body_status_and_headers()
    {
        var name = Name("echo");
        await DeployLikeFaasCliAsync(new { service = name, image = _queueImage.Reference });

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/async-function/{name}/cgi-bin/echo/extra?x=1&y=2")
        {
            Content = new StringContent("hello queue", Encoding.UTF8, "text/plain"),
        };
        request.Headers.Add("X-Callback-Url", Callbacks.Url.ToString());
        request.Headers.Add("X-Call-Id", "client-id-" + Prefix);
        request.Headers.Add("X-Custom", "kept");
        using var plain = new HttpClient { BaseAddress = Daemon.BaseAddress };
        using var response = await plain.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        Assert.That(await response.Content.ReadAsStringAsync(), Is.Empty);
        Assert.That(response.Headers.GetValues("X-Call-Id").Single(), Is.EqualTo("client-id-" + Prefix));
        Assert.That(long.Parse(response.Headers.GetValues("X-Start-Time").Single(), CultureInfo.InvariantCulture), Is.GreaterThan(1_600_000_000L * 1_000_000_000));

        var callback = await Callbacks.WaitForAsync("client-id-" + Prefix, Patience);
        Assert.Multiple(() =>
        {
            Assert.That(callback.Header("X-Function-Status"), Is.EqualTo("200"));
            Assert.That(callback.Header("X-Function-Name"), Is.EqualTo(name));
            Assert.That(double.Parse(callback.Header("X-Duration-Seconds"), CultureInfo.InvariantCulture), Is.GreaterThan(0));
            Assert.That(callback.Header("X-Retry"), Is.EqualTo("0"));
            Assert.That(callback.Header("X-Retry-Max"), Is.EqualTo("10"));
            Assert.That(callback.Header("Content-Type"), Does.StartWith("text/plain"));
            Assert.That(callback.Body, Does.Contain("method: POST"));
            Assert.That(callback.Body, Does.Contain("path_info: /extra"));
            Assert.That(callback.Body, Does.Contain("query: x=1&y=2"));
            Assert.That(callback.Body, Does.Contain("header: HTTP_X_CUSTOM=kept"));
            Assert.That(callback.Body, Does.Contain("header: HTTP_X_CALL_ID=client-id-" + Prefix));
            Assert.That(callback.Body, Does.Contain("header: HTTP_USER_AGENT=openfaas-ce/nats-queue-worker"));
            Assert.That(callback.Body, Does.Contain("header: HTTP_X_CALLBACK_URL=" + Callbacks.Url));
            Assert.That(callback.Body, Does.EndWith("body:\nhello queue"));
        });
    }

    [Test]
    public async Task Bad_calls_get_the_right_4xx_and_a_reason()
    {
        var name = Name("bad");
        await DeployLikeFaasCliAsync(new { service = name, image = _queueImage.Reference });
        using var plain = new HttpClient { BaseAddress = Daemon.BaseAddress };

        using var badCallback = new HttpRequestMessage(HttpMethod.Post, $"/async-function/{name}") { Content = new StringContent("x") };
        badCallback.Headers.Add("X-Callback-Url", "not a url");
        using var r400 = await plain.SendAsync(badCallback);
        Assert.That(r400.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await r400.Content.ReadAsStringAsync(), Does.Contain("X-Callback-Url"));

        using var r404 = await plain.PostAsync($"/async-function/{Name("missing")}", new StringContent("x"));
        Assert.That(r404.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        using var r413 = await plain.PostAsync($"/async-function/{name}", new ByteArrayContent(new byte[65537]));
        Assert.That(r413.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(await r413.Content.ReadAsStringAsync(), Does.Contain("65536"));
    }

    [Test]
    public async Task A_call_that_fails_twice_is_retried_and_the_callback_counts_the_retries()
    {
        var name = Name("flaky");
        await DeployLikeFaasCliAsync(new
        {
            service = name,
            image = _queueImage.Reference,
            labels = new Dictionary<string, string>
            {
                ["com.openfaas.retry.attempts"] = "5",
                ["com.openfaas.retry.min_wait"] = "100ms",
                ["com.openfaas.retry.max_wait"] = "500ms",
            },
        });

        var recovers = await EnqueueAsync(name, "/cgi-bin/flaky?twice");
        var neverRecovers = await EnqueueAsync(name, "/cgi-bin/flaky?always");

        var ok = await Callbacks.WaitForAsync(recovers, Patience);
        Assert.That(ok.Header("X-Function-Status"), Is.EqualTo("200"));
        Assert.That(ok.Header("X-Retry"), Is.EqualTo("2"));
        Assert.That(ok.Header("X-Retry-Max"), Is.EqualTo("5"));
        Assert.That(ok.Body, Does.Contain("ok after 3"));

        var failed = await Callbacks.WaitForAsync(neverRecovers, Patience);
        Assert.That(failed.Header("X-Function-Status"), Is.EqualTo("500"));
        Assert.That(failed.Header("X-Retry"), Is.EqualTo("4"));
        Assert.That(failed.Body, Does.Contain("fail 5"));
    }

    [Test]
    public async Task Each_function_runs_at_most_its_max_inflight_calls_at_once()
    {
        var two = Name("slot2");
        var one = Name("slot1");
        await DeployLikeFaasCliAsync(new { service = two, image = _queueImage.Reference, labels = new Dictionary<string, string> { ["com.openfaas.queue.max-inflight"] = "2" } });
        await DeployLikeFaasCliAsync(new { service = one, image = _queueImage.Reference });

        var twoIds = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => EnqueueAsync(two, "/cgi-bin/slot")));
        var oneIds = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => EnqueueAsync(one, "/cgi-bin/slot")));

        var received = await Callbacks.WaitForAsync([.. twoIds, .. oneIds], Patience);
        var twoSlots = twoIds.Select(id => Slot(received[id][0])).ToList();
        var oneSlots = oneIds.Select(id => Slot(received[id][0])).ToList();

        // A slot number n means n calls of that function held a slot at the same moment (see SlotScript).
        Assert.That(twoSlots.Max(), Is.EqualTo(2), string.Join(",", twoSlots));
        Assert.That(oneSlots, Is.All.EqualTo(1), "the daemon default is one call at a time");
    }

    [Test]
    public async Task A_frozen_function_is_woken_by_a_queued_call()
    {
        var name = Name("frozen");
        await DeployLikeFaasCliAsync(new { service = name, image = _queueImage.Reference });
        using (var scale = await Api.PostAsync($"/system/scale-function/{name}", JsonContent.Create(new { serviceName = name, replicas = 0 })))
        {
            Assert.That(scale.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        Assert.That((await Api.GetFromJsonAsync<FunctionStatusDto>($"/system/function/{name}"))!.AvailableReplicas, Is.Zero);

        var id = await EnqueueAsync(name, "/cgi-bin/echo?woken");
        var callback = await Callbacks.WaitForAsync(id, Patience);

        Assert.That(callback.Header("X-Function-Status"), Is.EqualTo("200"));
        Assert.That(callback.Body, Does.Contain("query: woken"));
        Assert.That((await Api.GetFromJsonAsync<FunctionStatusDto>($"/system/function/{name}"))!.AvailableReplicas, Is.EqualTo(1));
    }

    [Test]
    public async Task A_full_queue_answers_429_and_the_depth_endpoint_shows_the_backlog()
    {
        var name = Name("blocked");
        await DeployLikeFaasCliAsync(new { service = name, image = _queueImage.Reference, labels = new Dictionary<string, string> { ["com.openfaas.retry.attempts"] = "1" } });
        using var plain = new HttpClient { BaseAddress = Daemon.BaseAddress };

        var statuses = new List<HttpStatusCode>();
        string? refusal = null;
        for (var batch = 0; batch < 14 && refusal is null; batch++)
        {
            var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => plain.PostAsync($"/async-function/{name}/cgi-bin/sleep?60", new StringContent(""))));
            foreach (var response in responses)
            {
                statuses.Add(response.StatusCode);
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    refusal = await response.Content.ReadAsStringAsync();
                }

                response.Dispose();
            }
        }

        Assert.That(refusal, Is.Not.Null, "no 429 after " + statuses.Count + " calls");
        Assert.That(refusal, Does.Contain(QueueLimit.ToString(CultureInfo.InvariantCulture)));
        Assert.That(statuses.Count(s => s == HttpStatusCode.Accepted), Is.InRange(QueueLimit - 5, QueueLimit));
        Assert.That(statuses.Where(s => s != HttpStatusCode.Accepted), Is.All.EqualTo(HttpStatusCode.TooManyRequests));

        var depth = await DepthAsync(name);
        Assert.That(depth.Queued + depth.Running, Is.GreaterThanOrEqualTo(QueueLimit - 5));
        Assert.That(depth.Running, Is.EqualTo(1));

        // `faasd queue` reads the same endpoint with the state directory's credentials.
        var (exit, output) = await RunCliAsync("queue", "--state-dir", Daemon.StateDir, "--gateway", Daemon.BaseAddress.ToString().TrimEnd('/'));
        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Match($@"{name}\s+openfaas-fn\s+\d+\s+1"));

        // Removing the function lets the backlog drain: its calls now fail at once with 404 (one attempt each).
        using (var deleted = await DeleteAsync(name))
        {
            Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        var deadline = DateTime.UtcNow + Patience;
        while ((await DepthAsync(name)) is { Queued: > 0 } or { Running: > 0 })
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the backlog of a removed function did not drain");
            await Task.Delay(500);
        }
    }

    [Test]
    public async Task Five_hundred_queued_calls_survive_kill_9_and_every_one_is_delivered()
    {
        var name = Name("durable");
        await DeployLikeFaasCliAsync(new { service = name, image = _queueImage.Reference });

        var ids = new List<string>();
        for (var batch = 0; batch < 500 / 20; batch++)
        {
            ids.AddRange(await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => EnqueueAsync(name, "/cgi-bin/echo?durable"))));
        }

        await Daemon.KillAsync();
        var beforeRestart = Callbacks.Received.Select(c => c.CallId).Intersect(ids).Count();
        await Daemon.StartAsync();

        var delivered = await Callbacks.WaitForAsync(ids, TimeSpan.FromMinutes(4));
        var duplicates = delivered.Where(d => ids.Contains(d.Key)).Sum(d => d.Value.Count - 1);
        TestContext.Out.WriteLine($"durability: 500 accepted, {beforeRestart} called back before kill -9, {500 - beforeRestart} after restart, {duplicates} delivered twice");
        Assert.That(ids.Distinct().Count(), Is.EqualTo(500));
        Assert.That(delivered.Keys.Intersect(ids).Count(), Is.EqualTo(500));
        Assert.That(ids.Select(id => delivered[id][0].Header("X-Function-Status")), Is.All.EqualTo("200"));
    }

    [Test]
    public async Task Calls_acknowledged_while_the_daemon_is_killed_mid_burst_are_all_delivered()
    {
        var name = Name("midburst");
        await DeployLikeFaasCliAsync(new { service = name, image = _queueImage.Reference });
        using var plain = new HttpClient { BaseAddress = Daemon.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<string>();
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // 16 senders keep POSTing; after 200 acknowledgments the daemon gets SIGKILL with writes in flight.
        var senders = Enumerable.Range(0, 16).Select(async worker =>
        {
            for (var i = 0; !killed.Task.IsCompleted && i < 100; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/async-function/{name}/cgi-bin/echo?burst") { Content = new StringContent("x") };
                request.Headers.Add("X-Callback-Url", Callbacks.Url.ToString());
                request.Headers.Add("X-Call-Id", $"{Prefix}-burst-{worker}-{i}");
                try
                {
                    using var response = await plain.SendAsync(request);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        acknowledged.Add(response.Headers.GetValues("X-Call-Id").Single());
                    }
                }
                catch (HttpRequestException)
                {
                    return; // the daemon is gone: this call was never acknowledged
                }
            }
        }).ToList();
        while (acknowledged.Count < 200 && senders.Any(s => !s.IsCompleted))
        {
            await Task.Delay(5);
        }

        await Daemon.KillAsync();
        killed.SetResult();
        await Task.WhenAll(senders);
        var ids = acknowledged.ToList();
        await Daemon.StartAsync();

        var delivered = await Callbacks.WaitForAsync(ids, TimeSpan.FromMinutes(4));
        TestContext.Out.WriteLine($"mid-burst kill -9: {ids.Count} calls acknowledged with 202, all {delivered.Keys.Intersect(ids).Count()} called back after the restart");
        Assert.That(ids, Has.Count.GreaterThanOrEqualTo(200));
        Assert.That(delivered.Keys.Intersect(ids).Count(), Is.EqualTo(ids.Count));
    }

    /// <summary>POSTs one async call with this fixture's callback URL; returns its call id.</summary>
    protected async Task<string> EnqueueAsync(string name, string pathAndQuery, string body = "")
    {
        using var plain = new HttpClient { BaseAddress = Daemon.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/async-function/{name}{pathAndQuery}") { Content = new StringContent(body) };
        request.Headers.Add("X-Callback-Url", Callbacks.Url.ToString());
        using var response = await plain.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        return response.Headers.GetValues("X-Call-Id").Single();
    }

    protected async Task<(long Queued, long Running)> DepthAsync(string name)
    {
        using var document = JsonDocument.Parse(await Api.GetStringAsync("/system/queue"));
        foreach (var row in document.RootElement.EnumerateArray())
        {
            if (row.GetProperty("name").GetString() == name)
            {
                return (row.GetProperty("queued").GetInt64(), row.GetProperty("running").GetInt64());
            }
        }

        return (0, 0);
    }

    private static async Task<(int ExitCode, string Output)> RunCliAsync(params string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "faasd.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    private static int Slot(ReceivedCallback callback) =>
        int.Parse(callback.Body.Trim().Replace("slot ", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);

    /// <summary>Fails (500) the first two times per query key, then answers 200; key <c>always</c> never recovers.</summary>
    private const string FlakyScript = """
        #!/bin/sh
        key=${QUERY_STRING:-default}
        f=/tmp/flaky-$key
        n=$(cat "$f" 2>/dev/null || echo 0)
        n=$((n+1))
        echo "$n" > "$f"
        if [ "$key" = always ] || [ "$n" -le 2 ]; then
          printf 'HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\nfail %s\n' "$n"
        else
          printf 'Content-Type: text/plain\r\n\r\nok after %s\n' "$n"
        fi

        """;

    /// <summary>
    /// Takes the lowest free slot directory (mkdir is atomic), holds it a second, answers its number. Slot n is taken
    /// only while slots 1..n-1 are held, so the highest number seen is how many calls overlapped.
    /// </summary>
    private const string SlotScript = """
        #!/bin/sh
        i=1
        while ! mkdir "/tmp/slot$i" 2>/dev/null; do i=$((i+1)); done
        sleep 1
        rmdir "/tmp/slot$i"
        printf 'Content-Type: text/plain\r\n\r\nslot %s\n' "$i"

        """;
}

/// <summary>The default backend: the durable log under the daemon's state directory.</summary>
[Integration]
[NonParallelizable]
internal sealed class EmbeddedAsyncQueueTests : AsyncQueueTests;

/// <summary>The same tests with the daemon on NATS JetStream: a private <c>nats-server -js</c> on a free port.</summary>
[Integration]
[NonParallelizable]
internal sealed class JetStreamAsyncQueueTests : AsyncQueueTests
{
    private readonly NatsServerProcess _nats = new();

    protected override IReadOnlyDictionary<string, string> DaemonEnvironment =>
        new Dictionary<string, string>(base.DaemonEnvironment) { ["FAASD_QUEUE"] = _nats.Url };

    protected override Task PrepareStateDirectoryAsync(string stateDir) => _nats.StartAsync();

    protected override async Task AfterDaemonStoppedAsync() => await _nats.DisposeAsync();
}
