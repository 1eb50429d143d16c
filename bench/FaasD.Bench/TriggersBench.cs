using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FaasD.Invocation;
using FaasD.TestSupport.Images;
using FaasD.TestSupport.Nats;
using FaasD.Triggers;
using FaasD.Triggers.Annotations;
using FaasD.Triggers.Dispatch;
using FaasD.Triggers.Nats;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;

namespace FaasD.Bench;

/// <summary>
/// Issue #14: cron firing jitter (actual − scheduled start of each <c>@every 1s</c> run, from the daemon's Debug
/// line "Cron: running … (N ms late)"), and NATS publish → invocation latency, twice: through the real daemon as
/// request-reply round trips to a CGI function (an upper bound: it adds the function's run and the reply), and
/// in-process (the daemon's own NATS router with an invoker that only timestamps the call).
/// </summary>
internal static partial class TriggersBench
{
    private const int CronRuns = 60;
    private const int NatsRequests = 200;
    private const int InProcessMessages = 500;

    private const string EchoScript = """
        #!/bin/sh
        body=""
        if [ -n "$CONTENT_LENGTH" ] && [ "$CONTENT_LENGTH" -gt 0 ]; then body=$(head -c "$CONTENT_LENGTH"); fi
        printf 'Content-Type: text/plain\r\n\r\n'
        echo "got: $body"

        """;

    public static async Task RunAsync(BenchContext ctx, LocalNatsServer nats, CancellationToken cancellationToken)
    {
        var json = new JsonObject();
        ctx.Report.Json["triggers"] = json;
        var table = new Table("Issue #14 triggers", "case", "samples", "p50 ms", "p90 ms", "p99 ms", "max ms");
        var image = await TestImages.BuildAndPushAsync("trigger-echo", ImageContents.Busybox()
            .AddFile("/www/cgi-bin/index.cgi", EchoScript, ImageContents.ExecutableMode), BusyboxHttpd.Config, cancellationToken: cancellationToken);

        var jitter = await CronJitterAsync(ctx, image, cancellationToken);
        Row(table, $"cron @every 1s: actual − scheduled start", jitter);
        json["cronJitter"] = Report.ToJson(jitter);

        var roundTrip = await NatsRoundTripAsync(ctx, image, nats, cancellationToken);
        Row(table, "NATS request → function → reply (daemon, CGI)", roundTrip);
        json["natsRequestReply"] = Report.ToJson(roundTrip);

        var inProcess = await NatsInProcessAsync(nats, cancellationToken);
        Row(table, "NATS publish → invoker called (in-process)", inProcess);
        json["natsPublishToInvoke"] = Report.ToJson(inProcess);
        ctx.Report.AddTable(table);
    }

    private static async Task<LatencyStats> CronJitterAsync(BenchContext ctx, TestImage image, CancellationToken cancellationToken)
    {
        var name = ctx.Name("cron");
        BenchContext.Progress($"triggers: {name} on @every 1s, waiting for {CronRuns} runs (~{CronRuns} s)");
        var logStart = ctx.Daemon.LineCount;
        await ctx.Daemon.DeployAsync(name, image.Reference, null, cancellationToken, new Dictionary<string, string> { ["topic"] = "cron-function", ["schedule"] = "@every 1s" });
        var pattern = new Regex($@"Cron: running ""?{Regex.Escape(name)}\.{Regex.Escape(BenchDaemon.Namespace)}""? scheduled at .*\(([\d.]+) ms late\)", RegexOptions.CultureInvariant);
        var clock = Stopwatch.StartNew();
        List<double> late;
        while (true)
        {
            late = ctx.Daemon.LinesFrom(logStart).Select(l => pattern.Match(l)).Where(m => m.Success)
                .Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
            if (late.Count >= CronRuns || clock.Elapsed > TimeSpan.FromSeconds(CronRuns + 30))
            {
                break;
            }

            await Task.Delay(500, cancellationToken);
        }

        await ctx.Daemon.RemoveAsync(name, cancellationToken);
        return LatencyStats.Of(late.Take(CronRuns));
    }

    private static async Task<LatencyStats> NatsRoundTripAsync(BenchContext ctx, TestImage image, LocalNatsServer nats, CancellationToken cancellationToken)
    {
        var name = ctx.Name("nats");
        var subject = $"{ctx.Prefix}.bench.rpc";
        BenchContext.Progress($"triggers: {name} on NATS subject {subject}, {NatsRequests} sequential requests");
        await ctx.Daemon.DeployAsync(name, image.Reference, null, cancellationToken, new Dictionary<string, string> { ["topic"] = subject });
        await using var client = new NatsConnection(new NatsOpts { Url = nats.Url });
        await client.ConnectAsync();
        var body = Encoding.UTF8.GetBytes("ping");
        var samples = new List<double>();
        for (var i = 0; i < NatsRequests + 10; i++)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                await client.RequestAsync<byte[], byte[]>(subject, body, requestSerializer: NatsRawSerializer<byte[]>.Default, replySerializer: NatsRawSerializer<byte[]>.Default,
                    replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(10) }, cancellationToken: cancellationToken);
            }
            catch (NatsNoRespondersException) when (samples.Count == 0 && i < 10)
            {
                await Task.Delay(200, cancellationToken); // the daemon is still subscribing
                continue;
            }

            if (i >= 10)
            {
                samples.Add(clock.Elapsed.TotalMilliseconds); // the first ten warm the path up
            }
        }

        await ctx.Daemon.RemoveAsync(name, cancellationToken);
        return LatencyStats.Of(samples);
    }

    private static async Task<LatencyStats> NatsInProcessAsync(LocalNatsServer nats, CancellationToken cancellationToken)
    {
        BenchContext.Progress($"triggers: in-process NATS router, {InProcessMessages} sequential publishes");
        var invoker = new TimestampingInvoker();
        var dispatcher = new TriggerDispatcher(new ServiceCollection().BuildServiceProvider(), invoker, TimeProvider.System, NullLogger<TriggerDispatcher>.Instance);
        var router = new NatsTopicRouter(new TriggerOptions { NatsUrl = nats.Url }, dispatcher, invoker, TimeProvider.System, NullLogger<NatsTopicRouter>.Instance);
        await using var client = new NatsConnection(new NatsOpts { Url = nats.Url });
        await client.ConnectAsync();
        var subject = "bench.inprocess." + Guid.NewGuid().ToString("N")[..8];
        router.Set(new TriggerKey("openfaas-fn", "bench"), new FunctionTriggers(null, new TopicTrigger([subject], false, null)));
        try
        {
            await WaitSubscribedAsync(client, subject, invoker, cancellationToken);
            var samples = new List<double>();
            for (var i = 0; i < InProcessMessages; i++)
            {
                var received = invoker.Next();
                var sent = Stopwatch.GetTimestamp();
                await client.PublishAsync(subject, BitConverter.GetBytes(i), serializer: NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken);
                var at = await received.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
                samples.Add(Stopwatch.GetElapsedTime(sent, at).TotalMilliseconds);
            }

            return LatencyStats.Of(samples);
        }
        finally
        {
            await router.StopAsync(CancellationToken.None);
            await router.DisposeAsync();
        }
    }

    private static async Task WaitSubscribedAsync(NatsConnection client, string subject, TimestampingInvoker invoker, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var received = invoker.Next();
            await client.PublishAsync(subject, [], serializer: NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken);
            try
            {
                await received.WaitAsync(TimeSpan.FromMilliseconds(200), cancellationToken);
                return;
            }
            catch (TimeoutException)
            {
            }
        }

        throw new BenchException("the in-process router did not subscribe");
    }

    private static void Row(Table table, string label, LatencyStats s) =>
        table.Add(label, s.Count.ToString(CultureInfo.InvariantCulture), Report.Ms(s.P50), Report.Ms(s.P90), Report.Ms(s.P99), Report.Ms(s.Max));

    /// <summary>Completes the pending wait with the timestamp of the call; answers 200 at once.</summary>
    private sealed class TimestampingInvoker : IFunctionInvoker
    {
        private TaskCompletionSource<long> _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<long> Next()
        {
            _next = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _next.Task;
        }

        public Task<InvocationResponse> InvokeAsync(InvocationRequest request, CancellationToken cancellationToken)
        {
            _next.TrySetResult(Stopwatch.GetTimestamp());
            return Task.FromResult(new InvocationResponse { StatusCode = 200 });
        }
    }
}
