using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using FaasD.TestSupport.Images;

namespace FaasD.Bench;

/// <summary>
/// Issue #16 keep-alive upstream: our fwatchdog in <c>mode=http</c> in front of a small HTTP/1.1 keep-alive server
/// (bench/keepalive/keepalive-server.c, built statically here), so every hop can reuse its connection. The same
/// direct-vs-gateway runs as the busybox httpd cell, where each request and each gateway→function hop opens a TCP
/// connection; together they show what the gateway costs with and without connection reuse upstream.
/// </summary>
internal static class KeepAliveBench
{
    public static async Task RunAsync(BenchContext ctx, string watchdogBinary, string repoRoot, CancellationToken cancellationToken)
    {
        var server = await BuildServerAsync(repoRoot, cancellationToken);
        var contents = await ImageContents.Busybox().AddBinaryWithLibrariesAsync(watchdogBinary, "/usr/bin/fwatchdog", cancellationToken);
        contents.AddHostFile(server, "/usr/bin/keepalive-server", ImageContents.ExecutableMode);
        var image = await TestImages.BuildAndPushAsync("bench-keepalive", contents, new TestImageConfig
        {
            Cmd = ["fwatchdog"],
            Env = [TestImageConfig.DefaultPath, "mode=http", "fprocess=keepalive-server 8081", "upstream_url=http://127.0.0.1:8081"],
            ExposedPorts = ["8080/tcp"],
        }, cancellationToken: cancellationToken);

        var name = ctx.Name("ka");
        BenchContext.Progress($"keep-alive: deploying {name} ({image.Reference})");
        await ctx.Daemon.DeployAsync(name, image.Reference, null, cancellationToken);
        var direct = new Uri($"http://{ctx.Daemon.AddressOf(name)}:8080/");
        var gateway = ctx.Daemon.FunctionUrl(name, "/");
        using (var probe = LoadGenerator.CreateClient(1))
        using (var response = await probe.GetAsync(direct, cancellationToken))
        {
            if (response.Headers.ConnectionClose == true)
            {
                throw new BenchException("the keep-alive function closed the connection: the cell would measure nothing new");
            }
        }

        var table = new Table(
            $"Issue #16 gateway, keep-alive upstream: fwatchdog mode=http → keepalive-server, GET /, {ctx.Duration.TotalSeconds:0} s per run",
            "concurrency", "direct p50 ms", "gateway p50 ms", "added p50 ms", "direct p99 ms", "gateway p99 ms", "direct req/s", "gateway req/s", "gateway/direct req/s", "errors d/g", "load 1m d/g");
        var runs = new JsonArray();
        foreach (var concurrency in new[] { 1, 16 })
        {
            BenchContext.Progress($"keep-alive: c={concurrency} direct {direct}");
            var d = await LoadGenerator.RunAsync("direct", direct, HttpMethod.Get, null, concurrency, ctx.Duration, ctx.Warmup, cancellationToken);
            BenchContext.Progress($"keep-alive: c={concurrency} gateway {gateway}");
            var g = await LoadGenerator.RunAsync("gateway", gateway, HttpMethod.Get, null, concurrency, ctx.Duration, ctx.Warmup, cancellationToken);
            var ratio = d.RequestsPerSecond > 0 ? g.RequestsPerSecond / d.RequestsPerSecond : double.NaN;
            table.Add(concurrency.ToString(CultureInfo.InvariantCulture),
                Report.Ms(d.Latency.P50), Report.Ms(g.Latency.P50), Report.Ms(g.Latency.P50 - d.Latency.P50),
                Report.Ms(d.Latency.P99), Report.Ms(g.Latency.P99),
                Report.F(d.RequestsPerSecond, "0"), Report.F(g.RequestsPerSecond, "0"), Report.F(ratio * 100, "0.0") + " %",
                $"{d.Errors}/{g.Errors}", $"{d.LoadAverage}/{g.LoadAverage}");
            runs.Add(new JsonObject { ["concurrency"] = concurrency, ["direct"] = Report.ToJson(d), ["gateway"] = Report.ToJson(g), ["gatewayToDirectRps"] = Report.Round(ratio) });
            if (concurrency == 1)
            {
                var added = g.Latency.P50 - d.Latency.P50;
                ctx.Report.AddTarget("#16", "gateway added latency p50, c=1 (keep-alive upstream)", $"{Report.Ms(added)} ms", "<= 0.1 ms", added <= 0.1);
            }
            else
            {
                ctx.Report.AddTarget("#16", $"gateway req/s vs direct, c={concurrency} (keep-alive upstream)", $"{Report.F(ratio * 100)} %", ">= 90 %", ratio >= 0.9);
            }
        }

        ctx.Report.AddTable(table);
        ctx.Report.Json["keepAlive"] = new JsonObject { ["image"] = image.Reference, ["runs"] = runs };
        await ctx.Daemon.RemoveAsync(name, cancellationToken);
    }

    /// <summary>gcc -O2 -static into bench/.artifacts (a second or two; not part of any figure).</summary>
    private static async Task<string> BuildServerAsync(string repoRoot, CancellationToken cancellationToken)
    {
        var source = Path.Combine(repoRoot, "bench", "keepalive", "keepalive-server.c");
        var output = Path.Combine(repoRoot, "bench", ".artifacts", "keepalive", "keepalive-server");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        using var gcc = Process.Start(new ProcessStartInfo("gcc", ["-O2", "-static", "-D_GNU_SOURCE", "-o", output, source]) { RedirectStandardError = true })
            ?? throw new BenchException("could not start gcc");
        var errors = await gcc.StandardError.ReadToEndAsync(cancellationToken);
        await gcc.WaitForExitAsync(cancellationToken);
        return gcc.ExitCode == 0 ? output : throw new BenchException($"gcc could not build {source} (apt-get install gcc libc6-dev): {errors}");
    }
}
