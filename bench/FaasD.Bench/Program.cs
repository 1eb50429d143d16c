using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using FaasD.Bench;
using FaasD.TestSupport;
using FaasD.TestSupport.Images;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

if (Environment.UserName != "root")
{
    Console.Error.WriteLine("faasd-bench runs a real faasd (containerd, CNI, cgroups): run it as root.");
    return 2;
}

if (!File.Exists(TestEnvironment.ContainerdSocket))
{
    Console.Error.WriteLine($"containerd socket {TestEnvironment.ContainerdSocket} not found: run scripts/test-services.sh first.");
    return 2;
}

var root = RepoRoot();
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    Console.Error.WriteLine("bench: Ctrl+C, stopping and cleaning up");
    cts.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
{
    ctx.Cancel = true;
    cts.Cancel();
});

var faasd = options.Faasd ?? FindFaasd(root);
string? watchdog = null;
if (options.Only.Contains("watchdog") || options.Only.Contains("keepalive") || options.Only.Contains("replicas"))
{
    watchdog = options.Watchdog ?? Path.Combine(root, "bench", ".artifacts", "watchdog", "fwatchdog");
    if (!File.Exists(watchdog))
    {
        if (options.Watchdog is not null)
        {
            Console.Error.WriteLine($"{watchdog} does not exist");
            return 2;
        }

        BenchContext.Progress($"publishing the NativeAOT watchdog to {Path.GetDirectoryName(watchdog)} (once; 1-3 minutes, not part of any figure)");
        using var publish = Process.Start("dotnet", ["publish", Path.Combine(root, "src", "FaasD.Watchdog"), "-c", "Release", "-r", "linux-x64", "-o", Path.GetDirectoryName(watchdog)!, "-nologo", "-clp:ErrorsOnly"]);
        await publish.WaitForExitAsync(cts.Token);
        if (publish.ExitCode != 0 || !File.Exists(watchdog))
        {
            Console.Error.WriteLine("publishing the watchdog failed");
            return 1;
        }
    }
}

var report = new Report();
var started = DateTimeOffset.UtcNow;
var loadAtStart = File.ReadAllText("/proc/loadavg").Split(' ')[0];
var total = Stopwatch.StartNew();
report.Json["startedAt"] = started.ToString("o", CultureInfo.InvariantCulture);
report.Json["machine"] = new JsonObject
{
    ["cores"] = Environment.ProcessorCount,
    ["os"] = RuntimeInformation.OSDescription,
    ["loadAverageAtStart"] = File.ReadAllText("/proc/loadavg").Trim(),
    ["memTotalKb"] = long.Parse(File.ReadAllLines("/proc/meminfo")[0].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture),
};
report.Json["options"] = new JsonObject
{
    ["only"] = string.Join(",", options.Only.Order()),
    ["durationSeconds"] = options.Duration.TotalSeconds,
    ["warmupSeconds"] = options.Warmup.TotalSeconds,
    ["densityFunctions"] = options.DensityCount,
    ["faasd"] = faasd,
};

var exitCode = 0;
var prefix = "bench" + TestEnvironment.UniqueSuffix()[..6];
BenchContext.Progress($"building the busybox httpd test image and starting {faasd}");
var httpd = await TestImages.BusyboxHttpdAsync(cts.Token);
// Triggers: a private nats-server on a free port; the daemon connects (and retries) on its own.
await using var nats = new FaasD.TestSupport.Nats.LocalNatsServer();
if (options.Only.Contains("triggers"))
{
    if (!File.Exists(FaasD.TestSupport.Nats.LocalNatsServer.Binary))
    {
        Console.Error.WriteLine("the triggers benchmark needs nats-server (apt-get install nats-server), or leave it out with --only");
        return 2;
    }

    await nats.StartAsync(cts.Token);
}

await using (var daemon = new BenchDaemon(faasd, TestEnvironment.ContainerdSocket,
                 options.Only.Contains("triggers") ? new Dictionary<string, string> { ["FAASD_NATS_URL"] = nats.Url } : null))
{
    try
    {
        await daemon.StartAsync(cts.Token);
        BenchContext.Progress($"faasd pid {daemon.Pid} on {daemon.BaseAddress}, state {daemon.StateDir}, function prefix {prefix}");

        // Pull once so every deploy below measures an image that is already present.
        await daemon.DeployAsync(prefix + "-pull", httpd.Reference, null, cts.Token);
        await daemon.RemoveAsync(prefix + "-pull", cts.Token);

        var ctx = new BenchContext(daemon, report, httpd, prefix, options.Duration, options.Warmup, options);
        foreach (var (key, run) in new (string, Func<Task>)[]
                 {
                     ("gateway", () => GatewayBench.RunAsync(ctx, cts.Token)),
                     ("scale", () => ScaleToZeroBench.RunAsync(ctx, cts.Token)),
                     ("watchdog", () => WatchdogBench.RunAsync(ctx, watchdog!, cts.Token)),
                     ("runtime", () => RuntimeBench.RunAsync(ctx, cts.Token)),
                     ("keepalive", () => KeepAliveBench.RunAsync(ctx, watchdog!, root, cts.Token)),
                     ("footprint", () => FootprintBench.RunAsync(ctx, faasd, cts.Token)),
                     ("metrics", () => MetricsBench.RunAsync(ctx, cts.Token)),
                     ("triggers", () => TriggersBench.RunAsync(ctx, nats, cts.Token)),
                     ("async", () => AsyncBench.RunAsync(ctx, faasd, cts.Token)),
                     ("replicas", () => ReplicaBench.RunAsync(ctx, watchdog!, cts.Token)),
                 })
        {
            if (!options.Only.Contains(key))
            {
                continue;
            }

            try
            {
                await run();
            }
            catch (Exception ex) when (ex is BenchException or HttpRequestException or IOException or Grpc.Core.RpcException || ex is TaskCanceledException && !cts.IsCancellationRequested)
            {
                exitCode = 1;
                report.AddNote($"{key} failed: {ex.GetType().Name}: {ex.Message}");
                Console.Error.WriteLine($"bench: {key} failed: {ex}");
            }
        }
    }
    catch (OperationCanceledException) when (cts.IsCancellationRequested)
    {
        exitCode = 130;
        report.AddNote("interrupted (Ctrl+C): figures are partial");
    }
    catch (BenchException ex)
    {
        exitCode = 1;
        report.AddNote($"failed: {ex.Message}");
        Console.Error.WriteLine($"bench: {ex.Message}");
    }
    finally
    {
        BenchContext.Progress("cleaning up (removing functions, stopping faasd)");
    }
}

// The pool cell starts daemons of its own (pool off, pool on) once the shared one is gone: two daemons on one
// containerd namespace would react to each other's functions.
if (options.Only.Contains("pool") && !cts.IsCancellationRequested)
{
    try
    {
        await PoolBench.RunAsync(faasd, report, httpd, prefix, cts.Token);
    }
    catch (Exception ex) when (ex is BenchException or HttpRequestException or IOException || ex is TaskCanceledException && !cts.IsCancellationRequested)
    {
        exitCode = 1;
        report.AddNote($"pool failed: {ex.GetType().Name}: {ex.Message}");
        Console.Error.WriteLine($"bench: pool failed: {ex}");
    }
    catch (OperationCanceledException) when (cts.IsCancellationRequested)
    {
        exitCode = 130;
        report.AddNote("interrupted (Ctrl+C): figures are partial");
    }
}

report.Json["totalSeconds"] = Math.Round(total.Elapsed.TotalSeconds, 1);
report.AddNote($"Run {started:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, 1-min load average {loadAtStart} at start, {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end; whole run {total.Elapsed.TotalSeconds:0} s. Load generator, daemon and functions share the machine.");
Console.WriteLine(report.Render());
var output = options.Output ?? Path.Combine(root, "bench", "results", "latest.json");
await report.WriteJsonAsync(output);
Console.WriteLine($"JSON: {output}");
return exitCode;

static string RepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "FaasD.sln")))
        {
            return dir.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}

static string FindFaasd(string root)
{
    var release = Path.Combine(root, "src", "FaasD", "bin", "Release", "net10.0");
    var candidates = new List<string>();
    if (Directory.Exists(release))
    {
        candidates.AddRange(Directory.GetDirectories(release).Select(d => Path.Combine(d, "faasd")));
        candidates.Add(Path.Combine(release, "faasd.dll"));
    }

    return candidates.Where(File.Exists).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
        ?? throw new FileNotFoundException($"no Release faasd under {release}: run `dotnet build src/FaasD -c Release` first (or pass --faasd)");
}
