using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using FaasD.TestSupport.Images;

namespace FaasD.Bench;

/// <summary>Issue #6: our NativeAOT fwatchdog (mode=classic, fprocess=cat) deployed through the daemon.</summary>
internal static class WatchdogBench
{
    public static async Task RunAsync(BenchContext ctx, string watchdogBinary, CancellationToken cancellationToken)
    {
        var size = new FileInfo(watchdogBinary).Length;
        BenchContext.Progress($"watchdog: building the image around {watchdogBinary} ({size} bytes)");
        var contents = await ImageContents.Busybox().AddBinaryWithLibrariesAsync(watchdogBinary, "/usr/bin/fwatchdog", cancellationToken);
        var image = await TestImages.BuildAndPushAsync("bench-fwatchdog", contents, new TestImageConfig
        {
            Cmd = ["fwatchdog"],
            Env = [TestImageConfig.DefaultPath, "fprocess=cat", "mode=classic"],
            ExposedPorts = ["8080/tcp"],
        }, cancellationToken: cancellationToken);

        var name = ctx.Name("wd");
        await ctx.Daemon.DeployAsync(name, image.Reference, null, cancellationToken);
        var body = Encoding.UTF8.GetBytes(new string('x', 63) + "\n");
        var gateway = ctx.Daemon.FunctionUrl(name, "/");
        var direct = new Uri($"http://{ctx.Daemon.AddressOf(name)}:8080/");
        using (var check = LoadGenerator.CreateClient(1))
        {
            await LoadGenerator.TimeOneAsync(check, gateway, HttpMethod.Post, body, cancellationToken);
        }

        var table = new Table($"Issue #6 fwatchdog (NativeAOT, mode=classic, fprocess=cat), POST 64-byte body, {ctx.Duration.TotalSeconds:0} s per run",
            "concurrency", "gateway p50 ms", "gateway p99 ms", "gateway req/s", "direct p50 ms", "direct p99 ms", "direct req/s", "errors g/d");
        var runs = new JsonArray();
        foreach (var concurrency in new[] { 1, 8 })
        {
            BenchContext.Progress($"watchdog: c={concurrency} gateway");
            var g = await LoadGenerator.RunAsync("gateway", gateway, HttpMethod.Post, body, concurrency, ctx.Duration, ctx.Warmup, cancellationToken);
            var d = ctx.Options.WatchdogDirect
                ? await LoadGenerator.RunAsync("direct", direct, HttpMethod.Post, body, concurrency, ctx.Duration / 2, ctx.Warmup, cancellationToken)
                : null;
            table.Add(concurrency.ToString(CultureInfo.InvariantCulture), Report.Ms(g.Latency.P50), Report.Ms(g.Latency.P99), Report.F(g.RequestsPerSecond, "0"),
                d is null ? "-" : Report.Ms(d.Latency.P50), d is null ? "-" : Report.Ms(d.Latency.P99), d is null ? "-" : Report.F(d.RequestsPerSecond, "0"),
                $"{g.Errors}/{d?.Errors.ToString(CultureInfo.InvariantCulture) ?? "-"}");
            runs.Add(new JsonObject { ["concurrency"] = concurrency, ["gateway"] = Report.ToJson(g), ["direct"] = d is null ? null : Report.ToJson(d) });
        }

        table.Add("binary", $"fwatchdog {size / 1048576.0:0.00} MiB ({size} bytes)", "", $"image layer {image.Built.Layer.Size / 1048576.0:0.00} MiB gz", "", "", "", "");
        ctx.Report.AddTable(table);
        ctx.Report.Json["watchdog"] = new JsonObject
        {
            ["binaryBytes"] = size,
            ["imageLayerGzipBytes"] = image.Built.Layer.Size,
            ["image"] = image.Reference,
            ["runs"] = runs,
        };
        await ctx.Daemon.RemoveAsync(name, cancellationToken);
    }
}
