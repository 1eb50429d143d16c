using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace FaasD.Bench;

/// <summary>
/// Issue #4: warm latency, wake from frozen (scale to 0 via the API, then the first GET), cold start after deep
/// sleep stopped the task, and the density of 100 frozen functions.
/// </summary>
internal static class ScaleToZeroBench
{
    private const int Wakes = 25;
    private const int ColdStarts = 12;

    public static async Task RunAsync(BenchContext ctx, CancellationToken cancellationToken)
    {
        var json = new JsonObject();
        ctx.Report.Json["scaleToZero"] = json;
        var table = new Table("Issue #4 scale to zero: first-response latency through the gateway (busybox httpd GET /)",
            "case", "samples", "p50 ms", "p90 ms", "p99 ms", "max ms");

        var name = ctx.Name("s0");
        BenchContext.Progress($"scale-to-zero: deploying {name}");
        await ctx.Daemon.DeployAsync(name, ctx.Httpd.Reference, null, cancellationToken);
        var url = ctx.Daemon.FunctionUrl(name, "/");

        // Warm: the same client and URL as the wakes, sequential, so the only difference is the freeze.
        var warmSeconds = TimeSpan.FromSeconds(Math.Min(5, ctx.Duration.TotalSeconds));
        var warm = await LoadGenerator.RunAsync("gateway", url, HttpMethod.Get, null, 1, warmSeconds, ctx.Warmup, cancellationToken);
        Row(table, $"warm (c=1, {warmSeconds.TotalSeconds:0} s)", warm.Latency);
        json["warm"] = Report.ToJson(warm);

        // Wake from frozen.
        using var client = LoadGenerator.CreateClient(1);
        var wakes = new List<double>();
        var scaleDown = new List<double>();
        var notFrozen = 0;
        var logStart = ctx.Daemon.LineCount;
        for (var i = 0; i < Wakes; i++)
        {
            var clock = Stopwatch.StartNew();
            await ctx.Daemon.ScaleAsync(name, 0, cancellationToken);
            scaleDown.Add(clock.Elapsed.TotalMilliseconds);
            if (!SystemProbe.IsFrozen(name))
            {
                notFrozen++;
            }

            await Task.Delay(50, cancellationToken);
            wakes.Add(await LoadGenerator.TimeOneAsync(client, url, HttpMethod.Get, null, cancellationToken));
            await Task.Delay(20, cancellationToken);
        }

        await Task.Delay(300, cancellationToken);
        var transitions = DaemonLog.Transitions(ctx.Daemon.LinesFrom(logStart), name).ToList();
        var pause = LatencyStats.Of(transitions.Where(t => t.Kind == "Pause done").Select(t => t.ElapsedMs!.Value));
        var resume = LatencyStats.Of(transitions.Where(t => t.Kind == "Resume done").Select(t => t.ElapsedMs!.Value));
        var wake = LatencyStats.Of(wakes);
        var scale = LatencyStats.Of(scaleDown);
        Row(table, $"wake from frozen (scale 0 via API, first GET; {Wakes}x)", wake);
        json["wake"] = Report.ToJson(wake);
        json["wakeNotFrozenBeforeGet"] = notFrozen;
        json["scaleToZeroApiMs"] = Report.ToJson(scale);
        json["pauseCallMs"] = Report.ToJson(pause);
        json["resumeCallMs"] = Report.ToJson(resume);
        ctx.Report.AddTarget("#4", "wake p50 vs warm p50", $"{Report.Ms(wake.P50)} ms (warm {Report.Ms(warm.Latency.P50)} ms, +{Report.Ms(wake.P50 - warm.Latency.P50)})",
            "<= warm + 5 ms", wake.P50 <= warm.Latency.P50 + 5);
        if (notFrozen > 0)
        {
            ctx.Report.AddNote($"{notFrozen} of {Wakes} wakes found the task not frozen after the scale call returned.");
        }

        await ctx.Daemon.RemoveAsync(name, cancellationToken);

        var cold = await ColdStartAsync(ctx, json, cancellationToken);
        Row(table, $"cold start, no task (deep sleep; {cold.Count}x)", cold);
        ctx.Report.AddTarget("#4", "cold start p50 (task stopped)", $"{Report.Ms(cold.P50)} ms", "<= 150 ms", cold.Count == 0 ? null : cold.P50 <= 150);
        ctx.Report.AddTable(table);
        ctx.Report.AddTable(new Table("Issue #2/#4 runtime calls during the wakes (daemon's own timing, from its log)", "call", "samples", "p50 ms", "p99 ms", "max ms")
            .Add("POST /system/scale-function replicas=0 (drain + pause), client side", N(scale.Count), Report.Ms(scale.P50), Report.Ms(scale.P99), Report.Ms(scale.Max))
            .Add("pause (cgroup freezer)", N(pause.Count), Report.Ms(pause.P50), Report.Ms(pause.P99), Report.Ms(pause.Max))
            .Add("resume (cgroup freezer)", N(resume.Count), Report.Ms(resume.P50), Report.Ms(resume.P99), Report.Ms(resume.Max)));

        await DensityAsync(ctx, json, cancellationToken);
    }

    private static async Task<LatencyStats> ColdStartAsync(BenchContext ctx, JsonObject json, CancellationToken cancellationToken)
    {
        var labels = new Dictionary<string, string>
        {
            ["com.openfaas.scale.zero"] = "true",
            ["com.openfaas.scale.zero-duration"] = "1s",
            ["com.openfaas.scale.zero-stop-after"] = "1s",
        };
        var names = Enumerable.Range(0, ColdStarts).Select(i => ctx.Name($"cold{i}")).ToList();
        BenchContext.Progress($"cold start: deploying {names.Count} deep-sleep functions");
        var deployLog = ctx.Daemon.LineCount;
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (n, ct) => await ctx.Daemon.DeployAsync(n, ctx.Httpd.Reference, labels, ct));

        // Gone means: no process left in the task cgroup, and the daemon's Stop transition (task delete, network
        // detach) has finished, so the first request starts from nothing rather than waiting for a stop.
        bool Stopped(string n) => SystemProbe.TaskCgroup(n) is null
            && DaemonLog.Transitions(ctx.Daemon.LinesFrom(deployLog), n).Any(t => t.Kind == "Stop done");
        var clock = Stopwatch.StartNew();
        while (!names.All(Stopped) && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(200, cancellationToken);
        }

        var stopped = names.Where(Stopped).ToList();
        BenchContext.Progress($"cold start: {stopped.Count}/{names.Count} tasks stopped after {clock.Elapsed.TotalSeconds:0.0} s");
        using var client = LoadGenerator.CreateClient(1);
        var samples = new List<(string Name, TimeSpan SentAt, double Ms, int LogIndex)>();
        foreach (var n in stopped)
        {
            var logIndex = ctx.Daemon.LineCount;
            var sentAt = DateTime.Now.TimeOfDay;
            var ms = await LoadGenerator.TimeOneAsync(client, ctx.Daemon.FunctionUrl(n, "/"), HttpMethod.Get, null, cancellationToken);
            samples.Add((n, sentAt, ms, logIndex));
            await Task.Delay(100, cancellationToken);
        }

        await Task.Delay(500, cancellationToken);
        var phases = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var phaseOrder = new[]
        {
            "request → wake begins (gateway, registry)",
            "lookups + network (pooled netns ‖ task inspect + mounts)",
            "task create (containerd: shim, runc create)",
            "task start (runc start)",
            "port 8080 accepts + readiness answer",
            "wake done → response received (proxy + httpd)",
        };
        foreach (var (n, sentAt, ms, logIndex) in samples)
        {
            var lines = ctx.Daemon.LinesFrom(logIndex);
            var begun = DaemonLog.Transitions(lines, n).FirstOrDefault(t => t.Kind == "Start started").At;
            var done = DaemonLog.Transitions(lines, n).FirstOrDefault(t => t.Kind == "Start done").At;
            var timings = DaemonLog.TaskTimings(lines, n).ToList();
            var ready = DaemonLog.StartPhases(lines, n).ToList();
            if (begun == default || done == default || timings.Count == 0 || ready.Count == 0)
            {
                continue;
            }

            var end = sentAt + TimeSpan.FromMilliseconds(ms);
            var values = new[]
            {
                (begun - sentAt).TotalMilliseconds, timings[^1].PrepareMs, timings[^1].CreateMs, timings[^1].StartMs,
                ready[^1].PortMs + ready[^1].ReadyMs, (end - done).TotalMilliseconds,
            };
            for (var i = 0; i < phaseOrder.Length; i++)
            {
                (phases.TryGetValue(phaseOrder[i], out var list) ? list : phases[phaseOrder[i]] = []).Add(values[i]);
            }
        }

        var stats = LatencyStats.Of(samples.Select(s => s.Ms));
        json["coldStart"] = Report.ToJson(stats);
        json["coldStartTasksStopped"] = stopped.Count;
        var phaseJson = new JsonObject();
        if (phases.Count > 0)
        {
            var table = new Table($"Issue #4 cold start phases (from the daemon's Debug log: its time stamps for the wake and its own timings inside it; {phases.First().Value.Count} starts)", "phase", "p50 ms", "min ms", "max ms");
            foreach (var phase in phaseOrder)
            {
                var s = LatencyStats.Of(phases[phase]);
                table.Add(phase, Report.F(s.P50, "0.0"), Report.F(s.Min, "0.0"), Report.F(s.Max, "0.0"));
                phaseJson[phase] = Report.ToJson(s);
            }

            table.Add("total (client side)", Report.F(stats.P50, "0.0"), Report.F(stats.Min, "0.0"), Report.F(stats.Max, "0.0"));
            ctx.Report.AddTable(table);
        }
        else
        {
            ctx.Report.AddNote("cold start: no phase breakdown (the daemon logged no Start transition, task timing or ready line for the starts).");
        }

        json["coldStartPhases"] = phaseJson;
        foreach (var n in names)
        {
            await ctx.Daemon.RemoveAsync(n, cancellationToken);
        }

        return stats;
    }

    private static async Task DensityAsync(BenchContext ctx, JsonObject parent, CancellationToken cancellationToken)
    {
        var count = ctx.Options.DensityCount;
        var names = Enumerable.Range(0, count).Select(i => ctx.Name($"d{i:000}")).ToList();
        var daemonPid = ctx.Daemon.Pid;
        await Task.Delay(500, cancellationToken);
        var before = (MemAvailableKb: SystemProbe.MemAvailableKb(), DaemonRssKb: SystemProbe.StatusKb(daemonPid, "VmRSS"));

        BenchContext.Progress($"density: deploying {count} functions, concurrency 8");
        var deployLatencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (n, ct) =>
        {
            var one = Stopwatch.StartNew();
            await ctx.Daemon.DeployAsync(n, ctx.Httpd.Reference, null, ct);
            deployLatencies.Add(one.Elapsed.TotalMilliseconds);
        });
        var deployAll = clock.Elapsed;
        await Task.Delay(1000, cancellationToken);
        var running = (MemAvailableKb: SystemProbe.MemAvailableKb(), DaemonRssKb: SystemProbe.StatusKb(daemonPid, "VmRSS"));

        BenchContext.Progress($"density: freezing {count} functions");
        clock.Restart();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (n, ct) => await ctx.Daemon.ScaleAsync(n, 0, ct));
        var freezeAll = clock.Elapsed;
        await Task.Delay(1500, cancellationToken);
        GC.Collect();

        var frozen = names.Count(SystemProbe.IsFrozen);
        var functionPids = names.SelectMany(SystemProbe.TaskPids).ToList();
        var shims = SystemProbe.ShimPids(functionPids);
        var shimRss = shims.Sum(p => SystemProbe.StatusKb(p, "VmRSS"));
        var shimPss = shims.Sum(p => SystemProbe.PssKb(p));
        var functionRss = functionPids.Sum(p => SystemProbe.StatusKb(p, "VmRSS"));
        var functionPss = functionPids.Sum(p => SystemProbe.PssKb(p));
        var after = (MemAvailableKb: SystemProbe.MemAvailableKb(), DaemonRssKb: SystemProbe.StatusKb(daemonPid, "VmRSS"), DaemonHwmKb: SystemProbe.StatusKb(daemonPid, "VmHWM"));
        var usedKb = before.MemAvailableKb - after.MemAvailableKb;
        var beyondOwnKb = (usedKb - functionPss - (after.DaemonRssKb - before.DaemonRssKb)) / (double)count;

        // What the daemon keeps while the frozen functions sit idle: the idle trim (--memory-trim-interval, 10 s)
        // returns what the deploy and freeze waves left committed once a check interval passes without work.
        BenchContext.Progress($"density: {count} frozen, waiting 30 s for the daemon to settle");
        await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
        var settledRssKb = SystemProbe.StatusKb(daemonPid, "VmRSS");

        BenchContext.Progress($"density: removing {count} functions concurrently");
        clock.Restart();
        await Task.WhenAll(names.Select(n => ctx.Daemon.RemoveAsync(n, cancellationToken)));
        var removeAll = clock.Elapsed;

        var deploy = LatencyStats.Of(deployLatencies);
        static string Mb(double kb) => (kb / 1024).ToString("0.0", CultureInfo.InvariantCulture);
        ctx.Report.AddTable(new Table($"Issue #4 density: {count} busybox httpd functions", "measure", "value")
            .Add($"deploy all {count} (concurrency 8)", $"{deployAll.TotalSeconds:0.00} s")
            .Add("  one deploy p50 / p99 under that load", $"{Report.F(deploy.P50, "0")} / {Report.F(deploy.P99, "0")} ms")
            .Add($"freeze all {count} (scale 0, concurrency 8)", $"{freezeAll.TotalMilliseconds:0} ms ({frozen}/{count} frozen)")
            .Add($"remove all {count} (all at once, stop grace 2 s)", $"{removeAll.TotalSeconds:0.00} s")
            .Add($"daemon RSS: just started / before / {count} running / {count} frozen", $"{Mb(ctx.Daemon.StartRssKb)} / {Mb(before.DaemonRssKb)} / {Mb(running.DaemonRssKb)} / {Mb(after.DaemonRssKb)} MB (peak {Mb(after.DaemonHwmKb)} MB)")
            .Add($"daemon RSS: {count} frozen, idle 30 s later", $"{Mb(settledRssKb)} MB")
            .Add($"MemAvailable used: {count} running / {count} frozen (machine-wide, noisy)", $"{Mb(before.MemAvailableKb - running.MemAvailableKb)} / {Mb(usedKb)} MB")
            .Add($"shims serving them ({shims.Count}): RSS sum / PSS sum", $"{Mb(shimRss)} / {Mb(shimPss)} MB")
            .Add("  per function: shim RSS / shim PSS", $"{Mb(shimRss / (double)count)} / {Mb(shimPss / (double)count)} MB")
            .Add($"function processes ({functionPids.Count}): RSS sum / PSS sum", $"{Mb(functionRss)} / {Mb(functionPss)} MB")
            .Add("  per function beyond own processes (MemAvailable − own PSS − daemon growth)/N", $"{Mb(beyondOwnKb)} MB"));
        ctx.Report.AddTarget("#4", $"deploy {count} functions", $"{deployAll.TotalSeconds:0.0} s", "<= 15 s", deployAll.TotalSeconds <= 15);
        ctx.Report.AddTarget("#4", $"daemon RSS with {count} frozen", $"{Mb(after.DaemonRssKb)} MB", "<= 100 MB", after.DaemonRssKb <= 100 * 1024);
        ctx.Report.AddTarget("#16", $"daemon RSS, {count} frozen functions (idle 30 s)", $"{Mb(settledRssKb)} MB", "<= 60 MB", settledRssKb <= 60 * 1024);
        ctx.Report.AddTarget("#4", "per-function overhead beyond own processes (shim RSS)", $"{Mb(shimRss / (double)count)} MB", "<= 15 MB", shimRss / (double)count <= 15 * 1024);
        parent["density"] = new JsonObject
        {
            ["functions"] = count,
            ["deployAllSeconds"] = Report.Round(deployAll.TotalSeconds),
            ["deployOneMs"] = Report.ToJson(deploy),
            ["freezeAllMs"] = Report.Round(freezeAll.TotalMilliseconds),
            ["frozen"] = frozen,
            ["removeAllSeconds"] = Report.Round(removeAll.TotalSeconds),
            ["daemonRssKb"] = new JsonObject { ["justStarted"] = ctx.Daemon.StartRssKb, ["before"] = before.DaemonRssKb, ["running"] = running.DaemonRssKb, ["frozen"] = after.DaemonRssKb, ["frozenSettled"] = settledRssKb, ["peak"] = after.DaemonHwmKb },
            ["memAvailableUsedKb"] = new JsonObject { ["running"] = before.MemAvailableKb - running.MemAvailableKb, ["frozen"] = usedKb },
            ["shims"] = shims.Count,
            ["shimRssKb"] = shimRss,
            ["shimPssKb"] = shimPss,
            ["functionProcesses"] = functionPids.Count,
            ["functionRssKb"] = functionRss,
            ["functionPssKb"] = functionPss,
            ["perFunctionBeyondOwnKb"] = Report.Round(beyondOwnKb),
        };
    }

    private static void Row(Table table, string label, LatencyStats s) =>
        table.Add(label, N(s.Count), Report.Ms(s.P50), Report.Ms(s.P90), Report.Ms(s.P99), Report.Ms(s.Max));

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
}
