using System.Text;
using FaasD.Invocation;
using FaasD.TestSupport;
using FaasD.TestSupport.Nats;
using FaasD.Triggers.Annotations;
using FaasD.Triggers.Nats;
using FaasD.Triggers.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;
using NUnit.Framework;

namespace FaasD.Triggers.Tests.Nats;

/// <summary>The NATS router against a real nats-server, with a recording invoker in place of the gateway.</summary>
[Integration]
[NonParallelizable]
internal sealed class NatsTopicRouterTests
{
    private LocalNatsServer _server = null!;
    private NatsConnection _client = null!;
    private readonly List<NatsTopicRouter> _routers = [];
    private string _prefix = null!;

    [SetUp]
    public async Task StartServer()
    {
        LocalNatsServer.Require();
        _server = new LocalNatsServer();
        await _server.StartAsync();
        _client = new NatsConnection(new NatsOpts { Url = _server.Url, MaxReconnectRetry = -1, ReconnectWaitMin = TimeSpan.FromMilliseconds(100), ReconnectWaitMax = TimeSpan.FromMilliseconds(500) });
        await _client.ConnectAsync();
        _prefix = "t" + TestEnvironment.UniqueSuffix();
    }

    [TearDown]
    public async Task StopServer()
    {
        foreach (var router in _routers)
        {
            await router.StopAsync(CancellationToken.None);
            await router.DisposeAsync();
        }

        _routers.Clear();
        await _client.DisposeAsync();
        await _server.DisposeAsync();
    }

    private NatsTopicRouter Router(RecordingInvoker invoker, int concurrency = 4)
    {
        var time = TimeProvider.System;
        var router = new NatsTopicRouter(
            new TriggerOptions { NatsUrl = _server.Url, NatsConcurrency = concurrency },
            Dispatchers.Create(invoker, time), invoker, time, NullLogger<NatsTopicRouter>.Instance);
        _routers.Add(router);
        return router;
    }

    private static FunctionTriggers Topics(params string[] subjects) => new(null, new TopicTrigger(subjects, Asynchronous: false, Concurrency: null));

    /// <summary>
    /// A subscription is live once the server routes to it: request-reply to a probe subject on the same function
    /// answers. Until then a plain publish would be lost (core NATS keeps nothing).
    /// </summary>
    private async Task WaitSubscribedAsync(string subject)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                await _client.RequestAsync<byte[], byte[]>(subject, [], requestSerializer: NatsRawSerializer<byte[]>.Default, replySerializer: NatsRawSerializer<byte[]>.Default,
                    replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(2) });
                return;
            }
            catch (Exception ex) when (ex is NatsNoRespondersException or NatsNoReplyException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    private Task PublishAsync(string subject, string body, NatsHeaders? headers = null) =>
        _client.PublishAsync(subject, Encoding.UTF8.GetBytes(body), headers, serializer: NatsRawSerializer<byte[]>.Default).AsTask();

    [Test]
    public async Task A_message_becomes_a_call_with_the_body_the_subject_and_the_headers()
    {
        var invoker = new RecordingInvoker();
        var router = Router(invoker);
        var subject = $"{_prefix}.orders.created";
        router.Set(new TriggerKey("openfaas-fn", "orders"), Topics($"{_prefix}.orders.*"));
        await WaitSubscribedAsync($"{_prefix}.orders.probe");

        await PublishAsync(subject, "order 42", new NatsHeaders { ["X-Request-Id"] = "abc", ["Content-Type"] = "text/plain" });
        await Eventually.TrueAsync(() => invoker.Calls.Any(c => c.Body.Length > 0), "the published message");

        var call = invoker.Calls.Single(c => c.Body.Length > 0);
        Assert.Multiple(() =>
        {
            Assert.That(call.Name, Is.EqualTo("orders"));
            Assert.That(call.Namespace, Is.EqualTo("openfaas-fn"));
            Assert.That(call.Method, Is.EqualTo("POST"));
            Assert.That(Encoding.UTF8.GetString(call.Body.Span), Is.EqualTo("order 42"));
            Assert.That(call.Headers, Does.Contain(new KeyValuePair<string, string>("X-Topic", subject)));
            Assert.That(call.Headers, Does.Contain(new KeyValuePair<string, string>("X-Connector", "faasd-nats")));
            Assert.That(call.Headers, Does.Contain(new KeyValuePair<string, string>("X-Request-Id", "abc")));
            Assert.That(call.Headers, Does.Contain(new KeyValuePair<string, string>("Content-Type", "text/plain")));
        });
    }

    [Test]
    public async Task A_request_gets_the_function_response_and_status()
    {
        var invoker = new RecordingInvoker
        {
            Handler = (request, _) => Task.FromResult(new InvocationResponse
            {
                StatusCode = 201,
                Headers = [new("Content-Type", "text/plain"), new("X-Answer", "yes")],
                Body = Encoding.UTF8.GetBytes("echo: " + Encoding.UTF8.GetString(request.Body.Span)),
            }),
        };
        var router = Router(invoker);
        var subject = $"{_prefix}.rpc";
        router.Set(new TriggerKey("openfaas-fn", "rpc"), Topics(subject));
        await WaitSubscribedAsync(subject);

        var reply = await _client.RequestAsync<byte[], byte[]>(subject, Encoding.UTF8.GetBytes("ping"),
            requestSerializer: NatsRawSerializer<byte[]>.Default, replySerializer: NatsRawSerializer<byte[]>.Default);

        Assert.That(Encoding.UTF8.GetString(reply.Data!), Is.EqualTo("echo: ping"));
        Assert.That(reply.Headers!["X-Function-Status"].ToString(), Is.EqualTo("201"));
        Assert.That(reply.Headers["X-Answer"].ToString(), Is.EqualTo("yes"));
    }

    [Test]
    public async Task A_gateway_failure_is_in_the_reply_headers()
    {
        var invoker = new RecordingInvoker
        {
            Handler = (_, _) => Task.FromResult(new InvocationResponse { StatusCode = 503, Reason = "No endpoints available for: rpc." }),
        };
        var router = Router(invoker);
        var subject = $"{_prefix}.down";
        router.Set(new TriggerKey("openfaas-fn", "rpc"), Topics(subject));
        await WaitSubscribedAsync(subject);

        var reply = await _client.RequestAsync<byte[], byte[]>(subject, [], requestSerializer: NatsRawSerializer<byte[]>.Default, replySerializer: NatsRawSerializer<byte[]>.Default);
        Assert.That(reply.Headers!["X-Function-Status"].ToString(), Is.EqualTo("503"));
        Assert.That(reply.Headers["X-Function-Error"].ToString(), Is.EqualTo("No endpoints available for: rpc."));
    }

    [Test]
    public async Task A_response_larger_than_nats_allows_is_replaced_by_the_status_and_the_reason()
    {
        var invoker = new RecordingInvoker
        {
            Handler = (request, _) => Task.FromResult(new InvocationResponse
            {
                StatusCode = 200,
                Body = request.Body.IsEmpty ? ReadOnlyMemory<byte>.Empty : new byte[2 * 1024 * 1024], // nats-server's default max_payload is 1 MB
            }),
        };
        var router = Router(invoker);
        var subject = $"{_prefix}.big";
        router.Set(new TriggerKey("openfaas-fn", "big"), Topics(subject));
        await WaitSubscribedAsync(subject);

        var reply = await _client.RequestAsync<byte[], byte[]>(subject, Encoding.UTF8.GetBytes("big please"),
            requestSerializer: NatsRawSerializer<byte[]>.Default, replySerializer: NatsRawSerializer<byte[]>.Default);
        Assert.That(reply.Data ?? [], Is.Empty);
        Assert.That(reply.Headers!["X-Function-Status"].ToString(), Is.EqualTo("200"));
        Assert.That(reply.Headers["X-Function-Error"].ToString(), Does.StartWith("reply not sent: "));
    }

    [Test]
    public async Task Two_functions_on_one_subject_each_get_every_message_once()
    {
        var invoker = new RecordingInvoker();
        var router = Router(invoker);
        var subject = $"{_prefix}.shared";
        router.Set(new TriggerKey("openfaas-fn", "first"), Topics(subject));
        router.Set(new TriggerKey("openfaas-fn", "second"), Topics(subject));
        await WaitUntilBothAnswerAsync(invoker, subject);

        for (var i = 0; i < 20; i++)
        {
            await PublishAsync(subject, $"m{i}");
        }

        await Eventually.TrueAsync(() => Messages(invoker, "first").Count == 20 && Messages(invoker, "second").Count == 20, "20 calls of each");
        await _client.PingAsync(); // a round trip: anything still in flight on the server has been delivered
        foreach (var name in new[] { "first", "second" })
        {
            Assert.That(Messages(invoker, name), Is.EquivalentTo(Enumerable.Range(0, 20).Select(i => $"m{i}")), $"{name} got each message exactly once");
        }
    }

    private static List<string> Messages(RecordingInvoker invoker, string name) =>
        invoker.CallsOf(name).Select(c => Encoding.UTF8.GetString(c.Body.Span)).Where(b => b.StartsWith('m')).ToList();

    [Test]
    public async Task Two_daemons_in_one_queue_group_share_the_messages()
    {
        // Stands in for "two replicas share one subscription": replicas > 1 are not in this branch; two routers
        // (two daemons) subscribing the same function join the same queue group faasd.<ns>.<name>.
        var invokerA = new RecordingInvoker();
        var invokerB = new RecordingInvoker();
        var key = new TriggerKey("openfaas-fn", "worker");
        var subject = $"{_prefix}.work";
        Router(invokerA).Set(key, Topics(subject));
        Router(invokerB).Set(key, Topics(subject));
        await WaitSubscribedAsync(subject);
        await Eventually.TrueAsync(() => invokerA.Count > 0 || invokerB.Count > 0, "the probe");
        var before = invokerA.Count + invokerB.Count;

        const int messages = 60;
        for (var i = 0; i < messages; i++)
        {
            await PublishAsync(subject, $"job {i}");
        }

        await Eventually.TrueAsync(() => invokerA.Count + invokerB.Count - before == messages, $"{messages} calls in total");
        await _client.PingAsync();
        var bodies = invokerA.Calls.Concat(invokerB.Calls).Select(c => Encoding.UTF8.GetString(c.Body.Span)).Where(b => b.StartsWith("job ", StringComparison.Ordinal)).ToList();
        Assert.That(bodies, Is.EquivalentTo(Enumerable.Range(0, messages).Select(i => $"job {i}")), "each message handled once, by one daemon");
        Assert.That(invokerA.Count, Is.GreaterThan(0), "the first daemon took a share");
        Assert.That(invokerB.Count, Is.GreaterThan(0), "the second daemon took a share");
    }

    [Test]
    public async Task Changed_subjects_and_removal_apply_at_once()
    {
        var invoker = new RecordingInvoker();
        var router = Router(invoker);
        var key = new TriggerKey("openfaas-fn", "mover");
        router.Set(key, Topics($"{_prefix}.old"));
        await WaitSubscribedAsync($"{_prefix}.old");

        router.Set(key, Topics($"{_prefix}.new"));
        await WaitSubscribedAsync($"{_prefix}.new");
        await WaitUnsubscribedAsync($"{_prefix}.old");
        Assert.That(router.Snapshot().Select(s => s.Subject), Is.EqualTo(new[] { $"{_prefix}.new" }));

        router.Set(key, null);
        await WaitUnsubscribedAsync($"{_prefix}.new");
        Assert.That(router.Snapshot(), Is.Empty);
    }

    [Test]
    public async Task Subscriptions_resume_after_nats_restarts()
    {
        var invoker = new RecordingInvoker();
        var router = Router(invoker);
        var subject = $"{_prefix}.durable";
        router.Set(new TriggerKey("openfaas-fn", "durable"), Topics(subject));
        await WaitSubscribedAsync(subject);

        await _server.StopAsync();
        await _server.StartAsync();

        // Both the router's and the test's connections reconnect on their own; the router re-sends its subscription.
        await WaitSubscribedAsync(subject);
        await PublishAsync(subject, "after restart");
        await Eventually.TrueAsync(() => invoker.Calls.Any(c => Encoding.UTF8.GetString(c.Body.Span) == "after restart"), "a message after the restart");
    }

    [Test]
    public async Task A_daemon_that_starts_before_nats_subscribes_once_nats_is_up()
    {
        await _server.StopAsync();
        var invoker = new RecordingInvoker();
        var router = Router(invoker);
        var subject = $"{_prefix}.late";
        router.Set(new TriggerKey("openfaas-fn", "late"), Topics(subject));

        await _server.StartAsync();
        await WaitSubscribedAsync(subject);
        await PublishAsync(subject, "late hello");
        await Eventually.TrueAsync(() => invoker.Calls.Any(c => Encoding.UTF8.GetString(c.Body.Span) == "late hello"), "the message");
    }

    [Test]
    public async Task Concurrency_per_subscription_is_bounded()
    {
        var running = 0;
        var peak = 0;
        var release = new TaskCompletionSource<InvocationResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        var invoker = new RecordingInvoker
        {
            Handler = async (request, _) =>
            {
                if (request.Body.IsEmpty)
                {
                    return new InvocationResponse { StatusCode = 200 }; // the subscription probe
                }

                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref peak, now);
                try
                {
                    return await release.Task;
                }
                finally
                {
                    Interlocked.Decrement(ref running);
                }
            },
        };
        var router = Router(invoker, concurrency: 3);
        var subject = $"{_prefix}.busy";
        router.Set(new TriggerKey("openfaas-fn", "busy"), Topics(subject));
        await WaitSubscribedAsync(subject);
        var probes = invoker.Count;

        for (var i = 0; i < 10; i++)
        {
            await PublishAsync(subject, $"b{i}");
        }

        await Eventually.TrueAsync(() => Volatile.Read(ref running) == 3, "three calls running");
        await _client.PingAsync();
        Assert.That(invoker.Count - probes, Is.EqualTo(3), "the other seven wait for a slot");
        release.SetResult(new InvocationResponse { StatusCode = 200 });
        await Eventually.TrueAsync(() => invoker.Count - probes == 10, "all ten calls");
        Assert.That(Volatile.Read(ref peak), Is.EqualTo(3));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private async Task WaitUntilBothAnswerAsync(RecordingInvoker invoker, string subject)
    {
        await WaitSubscribedAsync(subject);
        await Eventually.TrueAsync(() =>
        {
            if (invoker.CallsOf("first").Count > 0 && invoker.CallsOf("second").Count > 0)
            {
                return true;
            }

            _ = PublishAsync(subject, "probe");
            return false;
        }, "both subscriptions");
    }

    private async Task WaitUnsubscribedAsync(string subject)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                await _client.RequestAsync<byte[], byte[]>(subject, [], requestSerializer: NatsRawSerializer<byte[]>.Default, replySerializer: NatsRawSerializer<byte[]>.Default,
                    replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(2) });
            }
            catch (NatsNoRespondersException)
            {
                return;
            }
            catch (NatsNoReplyException)
            {
                // Between cancelling and the UNSUB reaching the server, a request can land on the closing subscription.
            }

            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"{subject} still has a subscriber");
            await Task.Delay(50);
        }
    }
}
