using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using FaasD.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FaasD.Bench;

/// <summary>
/// Issue #13: <c>/async-function/</c> with the embedded queue and with JetStream (a private <c>nats-server -js</c>),
/// each on its own daemon at Information log level. Per backend: 10,000 calls POSTed at c=16 (accept rate and
/// accept latency), the time until the last of them is called back (drain rate), then 200 calls one at a time,
/// each waited for (accept→callback latency of an idle queue). The function is busybox httpd's CGI echo
/// (a fork per call) with <c>com.openfaas.queue.max-inflight=8</c>; the callback receiver is Kestrel in this process.
/// </summary>
internal static class AsyncBench
{
    private const int DrainCalls = 10_000;
    private const int AcceptConcurrency = 16;
    private const int LatencyCalls = 200;
    private static readonly TimeSpan DrainLimit = TimeSpan.FromMinutes(5);

    public static async Task RunAsync(BenchContext ctx, string faasd, CancellationToken cancellationToken)
    {
        var table = new Table(
            "Async invocations (#13): CGI echo, max-inflight 8, 10,000 calls at c=16, then 200 one at a time",
            "Backend", "Accept 202/s", "Accept p50/p99 ms", "Drain calls/s", "Last callback s", "Accept→callback p50/p99 ms");
        var json = new JsonObject();
        await using var sink = await CallbackSink.StartAsync();
        foreach (var backend in new[] { "embedded", "jetstream" })
        {
            await using var nats = backend == "jetstream" ? await NatsServer.StartAsync(cancellationToken) : null;
            var environment = new Dictionary<string, string>
            {
                ["FAASD_QUEUE"] = nats?.Url ?? "embedded",
                ["FAASD_QUEUE_MAX_SIZE"] = (DrainCalls * 2).ToString(CultureInfo.InvariantCulture),
            };
            await using var daemon = new BenchDaemon(faasd, TestEnvironment.ContainerdSocket, environment, logLevel: "Information");
            BenchContext.Progress($"async ({backend}): starting a daemon");
            await daemon.StartAsync(cancellationToken);
            var name = ctx.Name("async-" + backend[..4]);
            await daemon.DeployAsync(name, ctx.Httpd.Reference, new Dictionary<string, string> { ["com.openfaas.queue.max-inflight"] = "8" }, cancellationToken);

            BenchContext.Progress($"async ({backend}): {DrainCalls} calls at c={AcceptConcurrency}");
            var (acceptSeconds, acceptLatency, lastCallbackSeconds) = await AcceptAndDrainAsync(daemon, sink, name, backend, cancellationToken);
            BenchContext.Progress($"async ({backend}): {LatencyCalls} calls one at a time");
            var roundTrip = await RoundTripsAsync(daemon, sink, name, backend, cancellationToken);

            table.Add(
                backend,
                Report.F(DrainCalls / acceptSeconds, "0"),
                $"{Report.Ms(acceptLatency.P50)} / {Report.Ms(acceptLatency.P99)}",
                Report.F(DrainCalls / lastCallbackSeconds, "0"),
                Report.F(lastCallbackSeconds),
                $"{Report.Ms(roundTrip.P50)} / {Report.Ms(roundTrip.P99)}");
            json[backend] = new JsonObject
            {
                ["acceptPerSecond"] = Math.Round(DrainCalls / acceptSeconds, 1),
                ["acceptLatencyMs"] = Report.ToJson(acceptLatency),
                ["drainCallsPerSecond"] = Math.Round(DrainCalls / lastCallbackSeconds, 1),
                ["lastCallbackSeconds"] = Math.Round(lastCallbackSeconds, 2),
                ["acceptToCallbackMs"] = Report.ToJson(roundTrip),
            };
        }

        ctx.Report.AddTable(table);
        ctx.Report.Json["async"] = json;
        ctx.Report.AddNote("async: accept rate = 10,000 / time until the last 202 (c=16 closed loop); drain = 10,000 / time from the first POST to the last callback (the queue is mostly full during it, since accepting is faster than running); accept→callback = one call at a time on an idle queue.");
    }

    /// <summary>Returns seconds until the last 202, the accept latencies, and seconds until the last callback.</summary>
    private static async Task<(double AcceptSeconds, LatencyStats AcceptLatency, double LastCallbackSeconds)> AcceptAndDrainAsync(
        BenchDaemon daemon, CallbackSink sink, string name, string backend, CancellationToken cancellationToken)
    {
        using var client = Client(daemon);
        var latencies = new ConcurrentBag<double>();
        var ids = Enumerable.Range(0, DrainCalls).Select(i => $"{backend}-drain-{i}").ToArray();
        var expected = ids.Select(sink.Expect).ToArray();
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, AcceptConcurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < DrainCalls)
            {
                var sent = Stopwatch.GetTimestamp();
                await PostAsync(client, name, ids[i], sink.Url, cancellationToken);
                latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            }
        }));
        var acceptSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(DrainLimit);
        var arrivals = await Task.WhenAll(expected).WaitAsync(limit.Token);
        var lastCallbackSeconds = Stopwatch.GetElapsedTime(started, arrivals.Max()).TotalSeconds;
        return (acceptSeconds, LatencyStats.Of(latencies), lastCallbackSeconds);
    }

    private static async Task<LatencyStats> RoundTripsAsync(BenchDaemon daemon, CallbackSink sink, string name, string backend, CancellationToken cancellationToken)
    {
        using var client = Client(daemon);
        var samples = new List<double>(LatencyCalls);
        for (var i = 0; i < LatencyCalls; i++)
        {
            var id = $"{backend}-rt-{i}";
            var arrival = sink.Expect(id);
            var sent = Stopwatch.GetTimestamp();
            await PostAsync(client, name, id, sink.Url, cancellationToken);
            var arrived = await arrival.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            samples.Add(Stopwatch.GetElapsedTime(sent, arrived).TotalMilliseconds);
        }

        return LatencyStats.Of(samples);
    }

    private static HttpClient Client(BenchDaemon daemon) =>
        new(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 64 }) { BaseAddress = daemon.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    private static async Task PostAsync(HttpClient client, string name, string callId, Uri callback, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/async-function/{name}/cgi-bin/echo") { Content = new StringContent("bench") };
        request.Headers.Add("X-Call-Id", callId);
        request.Headers.Add("X-Callback-Url", callback.ToString());
        using var response = await client.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new BenchException($"/async-function/{name} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    /// <summary>Kestrel on 127.0.0.1 that completes, per X-Call-Id, the timestamp its callback arrived.</summary>
    private sealed class CallbackSink : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _arrivals = new(StringComparer.Ordinal);
        private WebApplication _app = null!;

        public Uri Url { get; private set; } = null!;

        public static async Task<CallbackSink> StartAsync()
        {
            var sink = new CallbackSink();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
            sink._app = builder.Build();
            sink._app.MapPost("/cb", context =>
            {
                var now = Stopwatch.GetTimestamp();
                var id = context.Request.Headers["X-Call-Id"].ToString();
                sink._arrivals.GetOrAdd(id, static _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(now);
                context.Response.StatusCode = StatusCodes.Status200OK;
                return Task.CompletedTask;
            });
            await sink._app.StartAsync();
            sink.Url = new Uri(sink._app.Urls.First() + "/cb");
            return sink;
        }

        public Task<long> Expect(string callId) =>
            _arrivals.GetOrAdd(callId, static _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>A private <c>nats-server -js</c> (Debian's package) on a free loopback port with a temp store.</summary>
    private sealed class NatsServer : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly string _store;

        private NatsServer(Process process, string store, int port)
        {
            _process = process;
            _store = store;
            Url = $"nats://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        }

        public string Url { get; }

        public static async Task<NatsServer> StartAsync(CancellationToken cancellationToken)
        {
            var binary = new[] { "/usr/sbin/nats-server", "/usr/bin/nats-server" }.FirstOrDefault(File.Exists)
                ?? throw new BenchException("nats-server is not installed (apt-get install nats-server)");
            int port;
            using (var listener = new TcpListener(IPAddress.Loopback, 0))
            {
                listener.Start();
                port = ((IPEndPoint)listener.LocalEndpoint).Port;
            }

            var store = Directory.CreateTempSubdirectory("faasd-bench-nats-").FullName;
            var info = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "-js", "-a", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-sd", store })
            {
                info.ArgumentList.Add(arg);
            }

            var process = Process.Start(info) ?? throw new BenchException("could not start nats-server");
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var server = new NatsServer(process, store, port);
            for (var i = 0; i < 100; i++)
            {
                try
                {
                    using var probe = new TcpClient();
                    await probe.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                    return server;
                }
                catch (SocketException)
                {
                    await Task.Delay(100, cancellationToken);
                }
            }

            await server.DisposeAsync();
            throw new BenchException("nats-server did not listen within 10 s");
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
            Directory.Delete(_store, recursive: true);
        }
    }
}
