using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using FaasD.TestSupport.Images;

namespace FaasD.Bench;

/// <summary>
/// Issue #12: a CPU-bound function (our fwatchdog, classic mode, each request forks <c>sha512sum</c> over 4 MB of
/// zeros) at c=16 with 1, 2 and 4 replicas; the autoscaler's reaction to a load burst (capacity rule) with its
/// timeline; and a rolling update under steady load: requests, failures and p99 before and during the update.
/// </summary>
internal static class ReplicaBench
{
    private const string Burn = "#!/bin/sh\nhead -c 4000000 /dev/zero | sha512sum\n";

    public static async Task RunAsync(BenchContext ctx, string watchdogBinary, CancellationToken cancellationToken)
    {
        BenchContext.Progress("replicas: building the sha512sum watchdog image");
        var contents = (await ImageContents.Busybox().AddBinaryWithLibrariesAsync(watchdogBinary, "/usr/bin/fwatchdog", cancellationToken))
            .AddFile("/usr/bin/burn", Burn, ImageContents.ExecutableMode);
        var image = await TestImages.BuildAndPushAsync("bench-sha512", contents, new TestImageConfig
        {
            Cmd = ["fwatchdog"],
            Env = [TestImageConfig.DefaultPath, "fprocess=/usr/bin/burn", "mode=classic"],
            ExposedPorts = ["8080/tcp"],
        }, cancellationToken: cancellationToken);

        var json = new JsonObject();
        ctx.Report.Json["replicas"] = json;
        json["throughput"] = await ThroughputAsync(ctx, image.Reference, cancellationToken);
        json["scaleUp"] = await ScaleUpAsync(ctx, image.Reference, cancellationToken);
        json["update"] = await UpdateUnderLoadAsync(ctx, image.Reference, cancellationToken);
    }

    private static async Task<JsonArray> ThroughputAsync(BenchContext ctx, string image, CancellationToken cancellationToken)
    {
        var name = ctx.Name("sha");
        await ctx.Daemon.DeployAsync(name, image, null, cancellationToken);
        var url = ctx.Daemon.FunctionUrl(name, "/");
        var table = new Table($"Issue #12 CPU-bound function (fwatchdog + sha512sum of 4 MB) at c=16, {ctx.Duration.TotalSeconds:0} s per run, {Environment.ProcessorCount} cores",
            "replicas", "req/s", "p50 ms", "p99 ms", "errors", "vs 1 replica");
        var runs = new JsonArray();
        double? single = null;
        foreach (var replicas in new[] { 1, 2, 4 })
        {
            await ctx.Daemon.ScaleAsync(name, replicas, cancellationToken);
            var (_, available) = await ctx.Daemon.ReplicasAsync(name, cancellationToken);
            BenchContext.Progress($"replicas: c=16 with {replicas} replica(s) ({available} available)");
            var result = await LoadGenerator.RunAsync($"{replicas} replicas", url, HttpMethod.Get, null, 16, ctx.Duration, ctx.Warmup, cancellationToken);
            single ??= result.RequestsPerSecond;
            table.Add(replicas.ToString(CultureInfo.InvariantCulture), Report.F(result.RequestsPerSecond, "0.0"), Report.Ms(result.Latency.P50),
                Report.Ms(result.Latency.P99), result.Errors.ToString(CultureInfo.InvariantCulture), Report.F(result.RequestsPerSecond / single.Value, "0.00") + "x");
            var run = Report.ToJson(result);
            run["replicas"] = replicas;
            run["available"] = available;
            runs.Add(run);
        }

        ctx.Report.AddTable(table);
        await ctx.Daemon.RemoveAsync(name, cancellationToken);
        return runs;
    }

    /// <summary>c=16 against one replica with a capacity rule (target 4 in flight): time to the second ready replica, and the timeline.</summary>
    private static async Task<JsonObject> ScaleUpAsync(BenchContext ctx, string image, CancellationToken cancellationToken)
    {
        var name = ctx.Name("auto");
        var window = TimeSpan.FromSeconds(5);
        await ctx.Daemon.DeployAsync(name, image, new Dictionary<string, string>
        {
            ["com.openfaas.scale.type"] = "capacity",
            ["com.openfaas.scale.target"] = "4",
            ["com.openfaas.scale.min"] = "1",
            ["com.openfaas.scale.max"] = "4",
            ["com.openfaas.scale.down-window"] = "5s",
        }, cancellationToken);
        var firstLine = ctx.Daemon.LineCount;
        BenchContext.Progress("replicas: autoscaler burst (c=16 for 8 s, capacity target 4, down window 5 s)");
        var clock = Stopwatch.StartNew();
        var loading = LoadGenerator.RunAsync("burst", ctx.Daemon.FunctionUrl(name, "/"), HttpMethod.Get, null, 16, TimeSpan.FromSeconds(8), TimeSpan.Zero, cancellationToken);
        var timeline = new List<(double At, int Replicas, int Available)>();
        double? secondReady = null;
        var last = (-1, -1);
        while (clock.Elapsed < TimeSpan.FromSeconds(8) + window + TimeSpan.FromSeconds(8))
        {
            var (replicas, available) = await ctx.Daemon.ReplicasAsync(name, cancellationToken);
            if ((replicas, available) != last)
            {
                timeline.Add((clock.Elapsed.TotalSeconds, replicas, available));
                last = (replicas, available);
            }

            if (available >= 2 && secondReady is null)
            {
                secondReady = clock.Elapsed.TotalSeconds;
            }

            if (loading.IsCompleted && replicas == 1 && available == 1)
            {
                break;
            }

            await Task.Delay(50, cancellationToken);
        }

        var burst = await loading;
        var decisions = ctx.Daemon.LinesFrom(firstLine).Where(l => l.Contains("Autoscaling", StringComparison.Ordinal) && l.Contains(name, StringComparison.Ordinal)).ToList();
        var table = new Table("Issue #12 autoscaler: one load burst (c=16 for 8 s from t=0), capacity target 4 per replica, min 1, max 4, down window 5 s",
            "t s", "replicas", "available");
        foreach (var (at, replicas, available) in timeline)
        {
            table.Add(Report.F(at, "0.00"), replicas.ToString(CultureInfo.InvariantCulture), available.ToString(CultureInfo.InvariantCulture));
        }

        table.Add("second replica serving after", secondReady is { } s ? $"{s:0.00} s" : "never", $"burst {burst.Requests} ok / {burst.Errors} errors");
        ctx.Report.AddTable(table);
        foreach (var decision in decisions)
        {
            ctx.Report.AddNote("autoscaler: " + decision);
        }

        await ctx.Daemon.RemoveAsync(name, cancellationToken);
        return new JsonObject
        {
            ["secondReplicaServingSeconds"] = secondReady,
            ["burst"] = Report.ToJson(burst),
            ["timeline"] = new JsonArray([.. timeline.Select(t => (JsonNode)new JsonObject { ["at"] = Math.Round(t.At, 3), ["replicas"] = t.Replicas, ["available"] = t.Available })]),
            ["decisions"] = new JsonArray([.. decisions.Select(d => (JsonNode)JsonValue.Create(d))]),
        };
    }

    /// <summary>c=8 steady load on two replicas; an update (new env) after 5 s; requests started before vs during it.</summary>
    private static async Task<JsonObject> UpdateUnderLoadAsync(BenchContext ctx, string image, CancellationToken cancellationToken)
    {
        var name = ctx.Name("roll");
        var labels = new Dictionary<string, string> { ["com.openfaas.scale.min"] = "2", ["com.openfaas.scale.max"] = "2" };
        await ctx.Daemon.DeployAsync(name, image, labels, cancellationToken);
        var url = ctx.Daemon.FunctionUrl(name, "/");
        BenchContext.Progress("replicas: rolling update of 2 replicas under c=8");
        using var client = LoadGenerator.CreateClient(8);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var samples = new ConcurrentBag<(double Start, double Ms, bool Ok)>();
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var start = clock.Elapsed.TotalMilliseconds;
                var ok = true;
                try
                {
                    await LoadGenerator.TimeOneAsync(client, url, HttpMethod.Get, null, stop.Token);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is HttpRequestException or BenchException or TaskCanceledException)
                {
                    ok = false;
                }

                samples.Add((start, clock.Elapsed.TotalMilliseconds - start, ok));
            }
        }, cancellationToken)).ToArray();

        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        var updateStart = clock.Elapsed.TotalMilliseconds;
        await ctx.Daemon.UpdateAsync(name, image, labels, new Dictionary<string, string> { ["BENCH_VERSION"] = "2" }, cancellationToken);
        var updateEnd = clock.Elapsed.TotalMilliseconds;
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        var before = samples.Where(s => s.Start >= 1000 && s.Start < updateStart).ToList();
        var during = samples.Where(s => s.Start >= updateStart && s.Start < updateEnd).ToList();
        var table = new Table($"Issue #12 rolling update of 2 replicas under c=8 (update took {(updateEnd - updateStart) / 1000:0.00} s)",
            "phase", "requests", "failures", "p50 ms", "p99 ms");
        foreach (var (phase, set) in new[] { ("before (1 s .. update)", before), ("during the update", during) })
        {
            var stats = LatencyStats.Of(set.Where(s => s.Ok).Select(s => s.Ms));
            table.Add(phase, set.Count.ToString(CultureInfo.InvariantCulture), set.Count(s => !s.Ok).ToString(CultureInfo.InvariantCulture), Report.Ms(stats.P50), Report.Ms(stats.P99));
        }

        ctx.Report.AddTable(table);
        await ctx.Daemon.RemoveAsync(name, cancellationToken);
        return new JsonObject
        {
            ["updateSeconds"] = Math.Round((updateEnd - updateStart) / 1000, 3),
            ["before"] = Phase(before),
            ["during"] = Phase(during),
        };
    }

    private static JsonObject Phase(List<(double Start, double Ms, bool Ok)> set)
    {
        var phase = Report.ToJson(LatencyStats.Of(set.Where(s => s.Ok).Select(s => s.Ms)));
        phase["requests"] = set.Count;
        phase["failures"] = set.Count(s => !s.Ok);
        return phase;
    }
}
