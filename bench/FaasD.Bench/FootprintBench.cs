using System.Diagnostics;
using System.Text.Json.Nodes;

namespace FaasD.Bench;

/// <summary>
/// Issue #16 footprint: the faasd binary's size, the shared daemon's start → /healthz 200 and RSS just started (no
/// functions), and the wall time of a whole <c>faasd image pull</c> process (start-up included) for the test image
/// into a fresh containerd namespace, deleted after each run.
/// </summary>
internal static class FootprintBench
{
    private const int PullRuns = 5;
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(BenchContext ctx, string faasd, CancellationToken cancellationToken)
    {
        var binaryBytes = faasd.EndsWith(".dll", StringComparison.Ordinal)
            ? Directory.GetFiles(Path.GetDirectoryName(faasd)!).Sum(f => new FileInfo(f).Length)
            : new FileInfo(faasd).Length;
        var pulls = new List<double>();
        for (var i = 0; i < PullRuns; i++)
        {
            var ns = $"{ctx.Prefix}-fp{i}";
            BenchContext.Progress($"footprint: faasd image pull {ctx.Httpd.Reference} --namespace {ns}");
            var clock = Stopwatch.StartNew();
            var (exitCode, error) = await RunFaasdAsync(faasd, ["image", "pull", ctx.Httpd.Reference, "--namespace", ns, "--containerd-socket", ctx.Daemon.ContainerdSocket], cancellationToken);
            pulls.Add(clock.Elapsed.TotalMilliseconds);
            await RuntimeBench.DeleteNamespaceAsync(ctx.Daemon.ContainerdSocket, ns);
            if (exitCode != 0)
            {
                throw new BenchException($"faasd image pull exited with {exitCode}: {error}");
            }
        }

        var pull = LatencyStats.Of(pulls);
        var (idleStartKb, idleSettledKb) = await IdleAfterStartAsync(faasd, ctx, cancellationToken);
        var kind = faasd.EndsWith(".dll", StringComparison.Ordinal) ? "faasd.dll (JIT, directory)" : "faasd";
        ctx.Report.AddTable(new Table("Issue #16 footprint (no functions)", "measure", "value")
            .Add($"binary: {kind}", $"{binaryBytes / 1048576.0:0.0} MiB ({binaryBytes} bytes)")
            .Add("start → /healthz 200", $"{Report.Ms(ctx.Daemon.StartToHealthyMs)} ms")
            .Add("daemon RSS just started", $"{ctx.Daemon.StartRssKb / 1024.0:0.0} MB")
            .Add($"a daemon of its own: RSS just started / idle {IdleWait.TotalSeconds:0} s later", $"{idleStartKb / 1024.0:0.0} / {idleSettledKb / 1024.0:0.0} MB")
            .Add($"`faasd image pull` process, test image, fresh namespace (median of {PullRuns})", $"{Report.Ms(pull.P50)} ms (min {Report.Ms(pull.Min)}, max {Report.Ms(pull.Max)})"));
        ctx.Report.AddTarget("#16", "faasd binary", $"{binaryBytes / 1048576.0:0.0} MiB", "<= 40 MiB", binaryBytes <= 40L * 1048576);
        ctx.Report.AddTarget("#16", "start → /healthz 200, no functions", $"{Report.Ms(ctx.Daemon.StartToHealthyMs)} ms", "<= 150 ms", ctx.Daemon.StartToHealthyMs <= 150);
        ctx.Report.AddTarget("#16", "daemon RSS just started", $"{ctx.Daemon.StartRssKb / 1024.0:0.0} MB", "<= 35 MB", ctx.Daemon.StartRssKb <= 35 * 1024);
        ctx.Report.AddTarget("#16", "faasd image pull process, test image", $"{Report.Ms(pull.P50)} ms", "<= 250 ms", pull.P50 <= 250);
        ctx.Report.Json["footprint"] = new JsonObject
        {
            ["binary"] = faasd,
            ["binaryBytes"] = binaryBytes,
            ["startToHealthyMs"] = Report.Round(ctx.Daemon.StartToHealthyMs),
            ["startRssKb"] = ctx.Daemon.StartRssKb,
            ["ownDaemonStartRssKb"] = idleStartKb,
            ["ownDaemonIdleRssKb"] = idleSettledKb,
            ["imagePullProcessMs"] = Report.ToJson(pull),
        };
    }

    /// <summary>
    /// A second daemon (own state dir, no functions) started here and left alone: its RSS at the first /healthz 200
    /// and after <see cref="IdleWait"/>, once the idle trim (--memory-trim-interval, 10 s) has had its chance to
    /// return what start-up allocated.
    /// </summary>
    private static async Task<(long StartKb, long IdleKb)> IdleAfterStartAsync(string faasd, BenchContext ctx, CancellationToken cancellationToken)
    {
        BenchContext.Progress($"footprint: a daemon of its own, idle for {IdleWait.TotalSeconds:0} s after start");
        await using var daemon = new BenchDaemon(faasd, ctx.Daemon.ContainerdSocket, logLevel: "Information");
        await daemon.StartAsync(cancellationToken);
        await Task.Delay(IdleWait, cancellationToken);
        return (daemon.StartRssKb, SystemProbe.StatusKb(daemon.Pid, "VmRSS"));
    }

    private static async Task<(int ExitCode, string Error)> RunFaasdAsync(string faasd, IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var dll = faasd.EndsWith(".dll", StringComparison.Ordinal);
        var info = new ProcessStartInfo(dll ? "dotnet" : faasd) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (dll)
        {
            info.ArgumentList.Add(faasd);
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new BenchException("could not start faasd");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        await output;
        return (process.ExitCode, (await error).Trim());
    }
}
