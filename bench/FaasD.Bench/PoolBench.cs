using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FaasD.TestSupport.Images;

namespace FaasD.Bench;

/// <summary>
/// Issue #16 pre-wired netns pool: the same deploy-to-first-200 and no-task cold start, side by side, with a daemon
/// started with <c>--netns-pool-size 0</c> and one with the pool on. Between samples the pooled daemon is given time to
/// refill, so each sample sees the steady state (a pool of that size, full) rather than a drained pool.
/// </summary>
internal static class PoolBench
{
    private const int PoolSize = 4;
    private const int DeployRuns = 7;
    private const int ColdStarts = 8;

    public static async Task RunAsync(string faasd, Report report, TestImage httpd, string prefix, CancellationToken cancellationToken)
    {
        var json = new JsonObject();
        report.Json["netnsPool"] = json;
        var table = new Table($"Issue #16 pre-wired netns pool (busybox httpd; pool size {PoolSize}, refilled between samples)",
            "case", "pool off p50 ms", "pool off min/max ms", "pool on p50 ms", "pool on min/max ms");

        var results = new Dictionary<int, (LatencyStats Deploy, LatencyStats Cold)>();
        foreach (var size in new[] { 0, PoolSize })
        {
            await using var daemon = new BenchDaemon(faasd, FaasD.TestSupport.TestEnvironment.ContainerdSocket, extraArgs: ["--netns-pool-size", size.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await daemon.StartAsync(cancellationToken);
            var pool = new PoolWatch(daemon.StateDir, size);
            BenchContext.Progress($"pool {size}: faasd pid {daemon.Pid}, pool prefix {pool.Prefix}");
            await pool.WaitFullAsync(cancellationToken);
            var deploy = await DeployToFirst200Async(daemon, pool, httpd, $"{prefix}-p{size}", cancellationToken);
            var cold = await ColdStartAsync(daemon, pool, httpd, $"{prefix}-p{size}", cancellationToken);
            results[size] = (deploy, cold);
            json[$"poolSize{size}"] = new JsonObject
            {
                ["deployToFirst200Ms"] = Report.ToJson(deploy),
                ["coldStartNoTaskMs"] = Report.ToJson(cold),
            };
        }

        var (offDeploy, offCold) = results[0];
        var (onDeploy, onCold) = results[PoolSize];
        table.Add($"deploy → first 200, image present ({DeployRuns}x)", Report.Ms(offDeploy.P50), MinMax(offDeploy), Report.Ms(onDeploy.P50), MinMax(onDeploy));
        table.Add($"cold start, no task, first GET ({ColdStarts}x)", Report.Ms(offCold.P50), MinMax(offCold), Report.Ms(onCold.P50), MinMax(onCold));
        table.Add("  of which containerd task create + start (daemon log)", PhaseP50(0, p => p.TaskMs), "", PhaseP50(PoolSize, p => p.TaskMs), "");
        table.Add("  of which function start → port accepts", PhaseP50(0, p => p.PortMs), "", PhaseP50(PoolSize, p => p.PortMs), "");
        table.Add("  of which readiness answer", PhaseP50(0, p => p.ReadyMs), "", PhaseP50(PoolSize, p => p.ReadyMs), "");
        report.AddTable(table);
        json["coldStartPhasesP50Ms"] = new JsonObject
        {
            ["task"] = PhaseP50(PoolSize, p => p.TaskMs),
            ["port"] = PhaseP50(PoolSize, p => p.PortMs),
            ["readiness"] = PhaseP50(PoolSize, p => p.ReadyMs),
        };
        report.AddTarget("#16", "cold start, no task, p50 (pool on)", $"{Report.Ms(onCold.P50)} ms (pool off {Report.Ms(offCold.P50)} ms)", "<= 40 ms", onCold.Count == 0 ? null : onCold.P50 <= 40);
        report.AddTarget("#16", "deploy → first 200, image present, p50 (pool on)", $"{Report.Ms(onDeploy.P50)} ms (pool off {Report.Ms(offDeploy.P50)} ms)", "<= 60 ms", onDeploy.Count == 0 ? null : onDeploy.P50 <= 60);
    }

    /// <summary>Per pool size, the daemon's own split of each cold start (TaskStarter's log line).</summary>
    private static readonly Dictionary<int, List<(double TaskMs, double PortMs, double ReadyMs)>> ColdPhases = [];

    private static string PhaseP50(int size, Func<(double TaskMs, double PortMs, double ReadyMs), double> phase) =>
        ColdPhases.TryGetValue(size, out var list) && list.Count > 0 ? Report.Ms(LatencyStats.Of(list.Select(phase).ToList()).P50) : "-";

    private static string MinMax(LatencyStats s) => $"{Report.Ms(s.Min)}/{Report.Ms(s.Max)}";

    private static async Task<LatencyStats> DeployToFirst200Async(BenchDaemon daemon, PoolWatch pool, TestImage httpd, string prefix, CancellationToken cancellationToken)
    {
        var samples = new List<double>();
        using var client = LoadGenerator.CreateClient(1);
        for (var i = 0; i < DeployRuns; i++)
        {
            await pool.WaitFullAsync(cancellationToken);
            var name = $"{prefix}-d{i}";
            var clock = Stopwatch.StartNew();
            await daemon.DeployAsync(name, httpd.Reference, null, cancellationToken);
            while (true)
            {
                try
                {
                    await LoadGenerator.TimeOneAsync(client, daemon.FunctionUrl(name, "/"), HttpMethod.Get, null, cancellationToken);
                    break;
                }
                catch (Exception ex) when (ex is HttpRequestException or BenchException && clock.Elapsed < TimeSpan.FromSeconds(30))
                {
                    await Task.Delay(5, cancellationToken);
                }
            }

            samples.Add(clock.Elapsed.TotalMilliseconds);
            BenchContext.Progress($"pool {pool.Size}: deploy → first 200 of {name}: {clock.Elapsed.TotalMilliseconds:0.0} ms");
            await daemon.RemoveAsync(name, cancellationToken);
        }

        return LatencyStats.Of(samples);
    }

    private static async Task<LatencyStats> ColdStartAsync(BenchDaemon daemon, PoolWatch pool, TestImage httpd, string prefix, CancellationToken cancellationToken)
    {
        var labels = new Dictionary<string, string>
        {
            ["com.openfaas.scale.zero"] = "true",
            ["com.openfaas.scale.zero-duration"] = "1s",
            ["com.openfaas.scale.zero-stop-after"] = "1s",
        };
        var names = Enumerable.Range(0, ColdStarts).Select(i => $"{prefix}-c{i}").ToList();
        var deployLog = daemon.LineCount;
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (n, ct) => await daemon.DeployAsync(n, httpd.Reference, labels, ct));

        bool Stopped(string n) => SystemProbe.TaskCgroup(n) is null
            && DaemonLog.Transitions(daemon.LinesFrom(deployLog), n).Any(t => t.Kind == "Stop done");
        var clock = Stopwatch.StartNew();
        while (!names.All(Stopped) && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(200, cancellationToken);
        }

        var samples = new List<double>();
        var phases = new List<(double TaskMs, double PortMs, double ReadyMs)>();
        using var client = LoadGenerator.CreateClient(1);
        foreach (var n in names.Where(Stopped))
        {
            await pool.WaitFullAsync(cancellationToken);
            var before = daemon.LineCount;
            var ms = await LoadGenerator.TimeOneAsync(client, daemon.FunctionUrl(n, "/"), HttpMethod.Get, null, cancellationToken);
            samples.Add(ms);
            var found = DaemonLog.StartPhases(daemon.LinesFrom(before), n).ToList();
            phases.AddRange(found.TakeLast(1));
            BenchContext.Progress($"pool {pool.Size}: cold start of {n}: {ms:0.0} ms"
                + (found.Count > 0 ? $" (task {found[^1].TaskMs:0.0}, port {found[^1].PortMs:0.0}, readiness {found[^1].ReadyMs:0.0})" : " (no phase line in the daemon log)")
                + (daemon.LinesFrom(before).LastOrDefault(l => l.Contains($"/{n}: lookups and network", StringComparison.Ordinal)) is { } timings ? " — " + timings[(timings.IndexOf($"/{n}: ", StringComparison.Ordinal) + n.Length + 3)..] : ""));
        }

        ColdPhases[pool.Size] = phases;

        foreach (var n in names)
        {
            await daemon.RemoveAsync(n, cancellationToken);
        }

        return LatencyStats.Of(samples);
    }

    /// <summary>Counts the daemon's pooled namespaces (named like src/FaasD/Hosting/NetnsPoolPrefix.cs names them).</summary>
    private sealed class PoolWatch(string stateDir, int size)
    {
        public int Size => size;

        public string Prefix { get; } = "faasd-pool-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(stateDir))))[..10];

        public async Task WaitFullAsync(CancellationToken cancellationToken)
        {
            var clock = Stopwatch.StartNew();
            while (Directory.GetFiles("/var/run/netns", Prefix + "-*").Length < size)
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new BenchException($"the pool {Prefix} did not refill to {size} within 30 s");
                }

                await Task.Delay(20, cancellationToken);
            }

            // The netns file appears before CNI ADD finishes; the record's result marks the entry ready.
            while (Directory.GetFiles("/var/run/faasd/network", Prefix + "-*.json").Count(IsAttached) < size)
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new BenchException($"the pool {Prefix} did not finish ADD for {size} entries within 30 s");
                }

                await Task.Delay(20, cancellationToken);
            }
        }

        private static bool IsAttached(string recordPath)
        {
            try
            {
                return JsonNode.Parse(File.ReadAllText(recordPath))?["result"] is JsonObject;
            }
            catch (FileNotFoundException)
            {
                // Taken or released between the listing and the read.
                return false;
            }
        }
    }
}
