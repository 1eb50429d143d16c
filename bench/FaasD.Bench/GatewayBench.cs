using System.Diagnostics;
using System.Text.Json.Nodes;

namespace FaasD.Bench;

/// <summary>
/// Issue #3: warm invocation through the gateway versus straight to the container (busybox httpd <c>GET /</c>),
/// at concurrency 1 and 16, plus deploy-to-ready of an image that is already present.
/// </summary>
internal static class GatewayBench
{
    public static async Task RunAsync(BenchContext ctx, CancellationToken cancellationToken)
    {
        // busybox httpd closes every connection, so each run leaves thousands of TIME_WAIT sockets towards the
        // function's ip:8080 (the ephemeral range holds ~28k). A later run to the same address would then pay for
        // the kernel's port search, so every measurement gets its own, freshly deployed function (own IP).
        var names = new[] { "gw-d1", "gw-g1", "gw-d16", "gw-g16" }.Select(ctx.Name).ToArray();
        BenchContext.Progress($"gateway: deploying {string.Join(", ", names)}");
        foreach (var n in names)
        {
            await ctx.Daemon.DeployAsync(n, ctx.Httpd.Reference, null, cancellationToken);
        }

        Uri Direct(string n) => new($"http://{ctx.Daemon.AddressOf(n)}:8080/");
        Uri Gateway(string n) => ctx.Daemon.FunctionUrl(n, "/");
        var json = new JsonObject { ["functions"] = new JsonArray(names.Select(n => (JsonNode)JsonValue.Create(n)).ToArray()) };
        using (var probe = LoadGenerator.CreateClient(1))
        using (var response = await probe.GetAsync(Direct(names[0]), cancellationToken))
        {
            // One request per connection: every direct request pays a TCP connect, and so does every gateway →
            // function hop, while client → gateway stays keep-alive.
            var closes = response.Headers.ConnectionClose == true || response.Version < System.Net.HttpVersion.Version11;
            json["functionClosesConnections"] = closes;
            if (closes)
            {
                ctx.Report.AddNote("busybox httpd closes the connection after each response: direct requests and the gateway's upstream hop both open a TCP connection per request (client → gateway stays keep-alive); each gateway/direct run uses its own freshly deployed function so TIME_WAIT sockets of one run do not slow the next.");
            }
        }

        var table = new Table(
            $"Issue #3 gateway: busybox httpd GET /, {ctx.Duration.TotalSeconds:0} s per run, closed loop",
            "concurrency", "direct p50 ms", "gateway p50 ms", "added p50 ms", "direct p99 ms", "gateway p99 ms", "direct req/s", "gateway req/s", "gateway/direct req/s", "errors d/g", "load 1m d/g");
        var runs = new JsonArray();
        foreach (var (concurrency, directName, gatewayName) in new[] { (1, names[0], names[1]), (16, names[2], names[3]) })
        {
            var direct = Direct(directName);
            var gateway = Gateway(gatewayName);
            BenchContext.Progress($"gateway: c={concurrency} direct {direct}");
            var d = await LoadGenerator.RunAsync("direct", direct, HttpMethod.Get, null, concurrency, ctx.Duration, ctx.Warmup, cancellationToken);
            BenchContext.Progress($"gateway: c={concurrency} gateway {gateway}");
            var g = await LoadGenerator.RunAsync("gateway", gateway, HttpMethod.Get, null, concurrency, ctx.Duration, ctx.Warmup, cancellationToken);
            var ratio = d.RequestsPerSecond > 0 ? g.RequestsPerSecond / d.RequestsPerSecond : double.NaN;
            table.Add(concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Report.Ms(d.Latency.P50), Report.Ms(g.Latency.P50), Report.Ms(g.Latency.P50 - d.Latency.P50),
                Report.Ms(d.Latency.P99), Report.Ms(g.Latency.P99),
                Report.F(d.RequestsPerSecond, "0"), Report.F(g.RequestsPerSecond, "0"), Report.F(ratio * 100, "0.0") + " %",
                $"{d.Errors}/{g.Errors}", $"{d.LoadAverage}/{g.LoadAverage}");
            runs.Add(new JsonObject { ["concurrency"] = concurrency, ["directUrl"] = direct.ToString(), ["gatewayUrl"] = gateway.ToString(), ["direct"] = Report.ToJson(d), ["gateway"] = Report.ToJson(g), ["gatewayToDirectRps"] = Report.Round(ratio) });
            if (concurrency == 1)
            {
                var added = g.Latency.P50 - d.Latency.P50;
                ctx.Report.AddTarget("#3", "gateway added latency p50, c=1", $"{Report.Ms(added)} ms", "<= 0.1 ms", added <= 0.1);
            }
            else
            {
                ctx.Report.AddTarget("#3", $"gateway req/s vs direct, c={concurrency}", $"{Report.F(ratio * 100)} %", ">= 80 %", ratio >= 0.8);
            }
        }

        json["runs"] = runs;
        ctx.Report.AddTable(table);
        foreach (var n in names)
        {
            await ctx.Daemon.RemoveAsync(n, cancellationToken);
        }

        json["deployToReady"] = await DeployToReadyAsync(ctx, cancellationToken);
        ctx.Report.Json["gateway"] = json;
    }

    /// <summary>POST /system/functions → first 200 from /function/name, image already present; removed between runs.</summary>
    private static async Task<JsonObject> DeployToReadyAsync(BenchContext ctx, CancellationToken cancellationToken)
    {
        const int Runs = 7;
        var deploy = new List<double>();
        var ready = new List<double>();
        var remove = new List<double>();
        using var client = LoadGenerator.CreateClient(1);
        for (var i = 0; i < Runs; i++)
        {
            var name = ctx.Name($"ready{i}");
            BenchContext.Progress($"deploy-to-ready: {name}");
            var clock = Stopwatch.StartNew();
            await ctx.Daemon.DeployAsync(name, ctx.Httpd.Reference, null, cancellationToken);
            deploy.Add(clock.Elapsed.TotalMilliseconds);
            while (true)
            {
                try
                {
                    await LoadGenerator.TimeOneAsync(client, ctx.Daemon.FunctionUrl(name, "/"), HttpMethod.Get, null, cancellationToken);
                    break;
                }
                catch (Exception ex) when (ex is HttpRequestException or BenchException && clock.Elapsed < TimeSpan.FromSeconds(30))
                {
                    await Task.Delay(5, cancellationToken);
                }
            }

            ready.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            await ctx.Daemon.RemoveAsync(name, cancellationToken);
            remove.Add(clock.Elapsed.TotalMilliseconds);
        }

        var deployStats = LatencyStats.Of(deploy);
        var readyStats = LatencyStats.Of(ready);
        var removeStats = LatencyStats.Of(remove);
        ctx.Report.AddTable(new Table($"Issue #3 deploy-to-ready (image present, {Runs} runs, removed between)", "step", "median ms", "min ms", "max ms")
            .Add("POST /system/functions answered", Report.Ms(deployStats.P50), Report.Ms(deployStats.Min), Report.Ms(deployStats.Max))
            .Add("POST → first 200 from /function/<name>", Report.Ms(readyStats.P50), Report.Ms(readyStats.Min), Report.Ms(readyStats.Max))
            .Add("DELETE /system/functions (grace 2 s)", Report.Ms(removeStats.P50), Report.Ms(removeStats.Min), Report.Ms(removeStats.Max)));
        return new JsonObject
        {
            ["runs"] = Runs,
            ["deployAnsweredMs"] = Report.ToJson(deployStats),
            ["deployToFirst200Ms"] = Report.ToJson(readyStats),
            ["removeMs"] = Report.ToJson(removeStats),
        };
    }
}
