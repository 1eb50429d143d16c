using FaasD.Functions.Abstractions;
using FaasD.Invocation;
using FaasD.Queue.Embedded;
using FaasD.Queue.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NUnit.Framework;

namespace FaasD.Queue.Tests.Embedded;

/// <summary>The embedded queue as the daemon registers it (<c>AddAsyncQueue</c>), with fakes for the invoker and platform.</summary>
internal sealed class EmbeddedQueueTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private string _dir = null!;

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("faasd-queue-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task A_function_never_runs_more_calls_at_once_than_its_max_inflight_label()
    {
        var gate = new TaskCompletionSource<InvocationResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        var invoker = new FakeInvoker { Answer = (_, _, ct) => gate.Task.WaitAsync(ct) };
        var platform = new FakePlatform();
        platform.Labels["fn"] = new() { ["com.openfaas.queue.max-inflight"] = "3" };
        await using var queue = await QueueHost.StartAsync(_dir, invoker, platform);

        for (var i = 0; i < 20; i++)
        {
            Assert.That((await queue.Queue.EnqueueAsync(Call("fn", i), CancellationToken.None)).Status, Is.EqualTo(EnqueueStatus.Accepted));
        }

        await WaitUntil(() => invoker.Inflight == 3);
        var depth = (await queue.Queue.DepthAsync(CancellationToken.None)).Single();
        Assert.That((depth.Queued, depth.Running), Is.EqualTo((17L, 3L)));

        gate.SetResult(new InvocationResponse { StatusCode = 200 });
        await WaitUntil(() => invoker.CallCount == 20 && invoker.Inflight == 0);
        Assert.That(invoker.MaxInflight, Is.EqualTo(3));
        await WaitUntil(() => queue.Queue.DepthAsync(CancellationToken.None).Result.Count == 0);
    }

    [Test]
    public async Task Calls_not_finished_when_the_daemon_stops_run_after_the_restart_and_finished_ones_do_not()
    {
        var invoker = new FakeInvoker();
        await using (var first = await QueueHost.StartAsync(_dir, invoker, new FakePlatform()))
        {
            for (var i = 0; i < 3; i++)
            {
                await first.Queue.EnqueueAsync(Call("done", i), CancellationToken.None);
            }

            await WaitUntil(() => first.Queue.DepthAsync(CancellationToken.None).Result.Count == 0);
            invoker.Answer = Forever;
            for (var i = 0; i < 5; i++)
            {
                await first.Queue.EnqueueAsync(Call("pending", i), CancellationToken.None);
            }

            await WaitUntil(() => invoker.Inflight == 1);
        }

        var second = new FakeInvoker();
        await using var restarted = await QueueHost.StartAsync(_dir, second, new FakePlatform());
        await WaitUntil(() => second.CallCount == 5 && restarted.Queue.DepthAsync(CancellationToken.None).Result.Count == 0);
        Assert.That(second.Calls.Select(c => c.Name), Is.All.EqualTo("pending"));
        Assert.That(second.Calls.Select(c => c.Body.Length), Is.EqualTo(new[] { 0, 1, 2, 3, 4 }), "in the order they were accepted");
    }

    [Test]
    public async Task A_retryable_status_is_retried_per_the_labels_and_the_count_survives_a_restart()
    {
        var platform = new FakePlatform();
        platform.Labels["flaky"] = new() { ["com.openfaas.retry.attempts"] = "3", ["com.openfaas.retry.min_wait"] = "1ms", ["com.openfaas.retry.codes"] = "503" };
        var invoker = new FakeInvoker { Answer = (_, n, _) => Task.FromResult(new InvocationResponse { StatusCode = n < 3 ? 503 : 200 }) };
        await using (var queue = await QueueHost.StartAsync(_dir, invoker, platform))
        {
            await queue.Queue.EnqueueAsync(Call("flaky", 0), CancellationToken.None);
            await WaitUntil(() => invoker.CallCount == 3 && queue.Queue.DepthAsync(CancellationToken.None).Result.Count == 0);
        }

        // A status outside the label's codes is final at once.
        var once = new FakeInvoker { Answer = (_, _, _) => Task.FromResult(new InvocationResponse { StatusCode = 500 }) };
        await using var again = await QueueHost.StartAsync(_dir, once, platform);
        await again.Queue.EnqueueAsync(Call("flaky", 1), CancellationToken.None);
        await WaitUntil(() => once.CallCount == 1 && again.Queue.DepthAsync(CancellationToken.None).Result.Count == 0);
        Assert.That(once.CallCount, Is.EqualTo(1));
    }

    [Test]
    public async Task The_call_reaches_the_function_with_its_headers_path_and_the_queue_worker_user_agent()
    {
        var invoker = new FakeInvoker();
        await using var queue = await QueueHost.StartAsync(_dir, invoker, new FakePlatform());
        var call = new AsyncInvocation
        {
            CallId = "id-1",
            AcceptedAt = DateTimeOffset.UnixEpoch,
            Request = new InvocationRequest
            {
                Namespace = "openfaas-fn",
                Name = "fn",
                Path = "/a/b",
                Query = "x=1",
                Headers = [new("X-Call-Id", "id-1"), new("User-Agent", "curl"), new("X-Twice", "1"), new("X-Twice", "2")],
                Body = "body"u8.ToArray(),
            },
        };
        await queue.Queue.EnqueueAsync(call, CancellationToken.None);
        await WaitUntil(() => invoker.CallCount == 1);

        var seen = invoker.Calls[0];
        Assert.That((seen.Method, seen.Path, seen.Query), Is.EqualTo(("POST", "/a/b", "x=1")));
        Assert.That(seen.Headers.Where(h => h.Key == "X-Twice").Select(h => h.Value), Is.EqualTo(new[] { "1", "2" }));
        Assert.That(seen.Headers.Single(h => h.Key == "User-Agent").Value, Is.EqualTo("openfaas-ce/nats-queue-worker"));
        Assert.That(seen.Body.ToArray(), Is.EqualTo("body"u8.ToArray()));
    }

    [Test]
    public async Task Past_its_limit_the_queue_says_full()
    {
        var invoker = new FakeInvoker { Answer = Forever };
        await using var queue = await QueueHost.StartAsync(_dir, invoker, new FakePlatform(), maxQueued: 2);
        Assert.That((await queue.Queue.EnqueueAsync(Call("fn", 0), CancellationToken.None)).Status, Is.EqualTo(EnqueueStatus.Accepted));
        Assert.That((await queue.Queue.EnqueueAsync(Call("fn", 1), CancellationToken.None)).Status, Is.EqualTo(EnqueueStatus.Accepted));
        var full = await queue.Queue.EnqueueAsync(Call("fn", 2), CancellationToken.None);
        Assert.That(full.Status, Is.EqualTo(EnqueueStatus.Full));
        Assert.That(full.Reason, Does.Contain("2"));
    }

    /// <summary>A call that runs until it is cancelled (the daemon stops), like a function that never answers.</summary>
    private static async Task<InvocationResponse> Forever(InvocationRequest request, int number, CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return new InvocationResponse { StatusCode = 200 };
    }

    private static AsyncInvocation Call(string name, int index) => new()
    {
        CallId = $"{name}-{index}",
        AcceptedAt = DateTimeOffset.UnixEpoch,
        Request = new InvocationRequest { Namespace = "openfaas-fn", Name = name, Body = new byte[index] },
    };

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("condition not reached within " + Patience);
            }

            await Task.Delay(10);
        }
    }

    /// <summary>The queue's services and hosted services, started and stopped like the daemon does.</summary>
    private sealed class QueueHost : IAsyncDisposable
    {
        private readonly ServiceProvider _services;
        private readonly IHostedService[] _hosted;

        private QueueHost(ServiceProvider services)
        {
            _services = services;
            _hosted = [.. services.GetServices<IHostedService>()];
            Queue = services.GetRequiredService<IAsyncInvocationQueue>();
        }

        public IAsyncInvocationQueue Queue { get; }

        public static async Task<QueueHost> StartAsync(string dir, IFunctionInvoker invoker, IFunctionPlatform platform, int maxQueued = 1000)
        {
            var services = new ServiceCollection()
                .AddLogging()
                .AddSingleton(invoker)
                .AddSingleton(platform)
                .AddAsyncQueue(o =>
                {
                    o.Directory = dir;
                    o.MaxQueued = maxQueued;
                })
                .BuildServiceProvider();
            var host = new QueueHost(services);
            foreach (var hosted in host._hosted)
            {
                await hosted.StartAsync(CancellationToken.None);
            }

            Assert.That(host.Queue, Is.InstanceOf<EmbeddedQueue>());
            return host;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var hosted in _hosted)
            {
                await hosted.StopAsync(CancellationToken.None);
            }

            await _services.DisposeAsync();
        }
    }
}
