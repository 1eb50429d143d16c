using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using FaasD.Chaos.Tests.Support;
using FaasD.TestSupport;
using NUnit.Framework;

namespace FaasD.Chaos.Tests;

/// <summary>
/// Issue 11 item 8 against the real daemon, a private containerd and CNI: kill -9 cycles under load, containerd
/// killed under load, a simulated reboot. One daemon with ten functions for the whole class, in this order.
/// </summary>
[Integration]
[NonParallelizable]
internal sealed class RestartChaosTests
{
    private const int Cycles = 30;

    /// <summary>The chaos daemon runs with the default --netns-pool-size.</summary>
    private const int DaemonPoolSize = 2;
    private const string PoolRecords = "/var/run/faasd/network";
    private static readonly TimeSpan ServeWithin = TimeSpan.FromSeconds(90);

    private ChaosHost _host = null!;

    private IReadOnlyList<string> Frozen => _host.Functions.TakeLast(3).ToList();

    private IReadOnlyList<string> Updating => _host.Functions.Skip(5).Take(2).ToList();

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _host = await ChaosHost.StartAsync();
        await _host.DeployAllAsync();
        await _host.AllServeAsync(ServeWithin);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    [Test]
    [Order(1)]
    public async Task Thirty_kill_9_cycles_under_load_leave_every_function_serving_and_nothing_leaked()
    {
        await FreezeAsync();
        var before = await SteadyCountsAsync();
        var generation = 1;
        var clock = Stopwatch.StartNew();
        await using (var load = new Load(_host.Daemon.BaseAddress, _host.Functions, concurrency: 4))
        {
            for (var cycle = 1; cycle <= Cycles; cycle++)
            {
                // Some functions mid-update when the kill lands: the PUT is in flight, not awaited.
                generation++;
                var updates = Updating.Select(name => UpdateAsync(name, generation)).ToList();
                await Task.Delay(Random.Shared.Next(0, 400));
                await _host.Daemon.KillAsync();
                await Task.WhenAll(updates.Select(u => u.ContinueWith(_ => { }, TaskScheduler.Default)));

                await _host.RestartDaemonAsync();
                await _host.AllServeAsync(ServeWithin);
                await FreezeAsync();
            }

            TestContext.Out.WriteLine($"{Cycles} kill -9 cycles in {clock.Elapsed.TotalSeconds:0} s; load statuses (0 = no answer while the daemon was down): {load.Summary()}");
        }

        // Let the last update finish, then nothing may be left over from any crash.
        generation++;
        foreach (var name in Updating)
        {
            using var response = await UpdateAsync(name, generation);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        }

        await FreezeAsync();
        var after = await SettledCountsAsync(before);
        TestContext.Out.WriteLine($"leak counts before: {before}");
        TestContext.Out.WriteLine($"leak counts after:  {after}");
        Assert.That(after, Is.EqualTo(before), "netns, veths, IPs, iptables rules, containers, snapshots, leases and shims");
    }

    [Test]
    [Order(2)]
    public async Task Containerd_killed_under_load_the_daemon_reconnects_by_itself()
    {
        await using var load = new Load(_host.Daemon.BaseAddress, _host.Functions, concurrency: 4);
        using var probe = new HttpClient { BaseAddress = _host.Daemon.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        await _host.Containerd.KillAsync();

        var unhealthy = await WaitForAsync(async () => (await probe.GetAsync("/healthz")).StatusCode == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30));
        var reason = await (await probe.GetAsync("/healthz")).Content.ReadAsStringAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));

        var clock = Stopwatch.StartNew();
        await _host.Containerd.StartAgainAsync(CancellationToken.None);
        var healthy = await WaitForAsync(async () => (await probe.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        var healthyAfter = clock.Elapsed;
        await _host.AllServeAsync(ServeWithin);

        // A function that needs containerd to serve again: stop and re-create it through the API.
        var probeName = _host.Functions[0];
        using var api = _host.Daemon.Client();
        using (var scale = await api.PostAsync($"/system/scale-function/{probeName}", ChaosHost.Json("""{"replicas":0}""")))
        {
            Assert.That(scale.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using var update = await UpdateAsync(probeName, 1000);
        var recovered = clock.Elapsed;
        TestContext.Out.WriteLine($"containerd kill -9: /healthz said \"{reason.Trim()}\"; after restart /healthz 200 in {healthyAfter.TotalMilliseconds:0} ms, all functions serving and an update done in {recovered.TotalMilliseconds:0} ms; load: {load.Summary()}");
        Assert.Multiple(() =>
        {
            Assert.That(unhealthy, Is.True, "/healthz said 503 while containerd was gone");
            Assert.That(reason, Does.Contain("containerd"));
            Assert.That(healthy, Is.True, "the daemon reconnected without a restart:\n" + ChaosHost.Tail(_host.Daemon.Output));
            Assert.That(update.StatusCode, Is.EqualTo(HttpStatusCode.OK), "deploys work again");
        });
    }

    [Test]
    [Order(3)]
    public async Task A_simulated_reboot_brings_every_function_back()
    {
        // What a power cut leaves: no daemon, no containerd, no task, no network namespace, no /run state, none of
        // the NAT rules CNI added.
        var before = await SteadyCountsAsync();
        await _host.Daemon.KillAsync();
        await KillTasksAsync();
        await _host.Containerd.KillAsync();
        // The daemon's own pool of pre-wired namespaces goes the same way (a function's netns taken from the pool
        // keeps the pool's CNI container id, so its NAT rules carry the pool's name).
        var pool = PoolPrefixOf(_host.Daemon.StateDir);
        foreach (var netns in Directory.EnumerateFiles("/var/run/netns").Where(f =>
                     Path.GetFileName(f).StartsWith($"openfaas-fn.{_host.Prefix}", StringComparison.Ordinal) || Path.GetFileName(f).StartsWith(pool, StringComparison.Ordinal)))
        {
            await Shell.RunAsync("ip", "netns", "delete", Path.GetFileName(netns));
        }

        await IptablesRules.RemoveAsync(ChaosHost.NetworkName, $"openfaas-fn.{_host.Prefix}");
        await IptablesRules.RemoveAsync(ChaosHost.NetworkName, pool);
        var lostAddresses = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dir in new[] { Path.Combine("/var/run/cni", ChaosHost.NetworkName), "/var/run/faasd/network" })
        {
            foreach (var file in Directory.Exists(dir) ? Directory.EnumerateFiles(dir) : [])
            {
                // host-local names an IP allocation after the address and writes the owner's container id in it: only
                // this host's allocations go, as only its namespaces and NAT rules did (another test's are not ours to
                // lose).
                var fileName = Path.GetFileName(file);
                var owner = fileName.StartsWith("10.", StringComparison.Ordinal) ? File.ReadLines(file).FirstOrDefault() ?? "" : fileName;
                if (owner.Contains(_host.Prefix, StringComparison.Ordinal) || owner.Contains(pool, StringComparison.Ordinal))
                {
                    File.Delete(file);
                    if (fileName.StartsWith("10.", StringComparison.Ordinal))
                    {
                        lostAddresses.Add(fileName);
                    }
                }
            }
        }

        // The firewall plugin's rules for those addresses go with the reboot too (they name no network, only the address).
        await IptablesRules.RemoveForwardAsync(lostAddresses);

        var clock = Stopwatch.StartNew();
        await _host.Containerd.StartAgainAsync(CancellationToken.None);
        await _host.RestartDaemonAsync();
        var took = await _host.AllServeAsync(ServeWithin);
        TestContext.Out.WriteLine($"simulated reboot: all {ChaosHost.FunctionCount} functions serving {clock.Elapsed.TotalSeconds:0.0} s after containerd came back");
        // The pool of pre-wired namespaces refills in the background after the restart: a refill caught between its
        // veth and its NAT rules is in progress, not leaked, so the counts get the same bounded moment as an update's.
        var counts = await SettledCountsAsync(before);
        TestContext.Out.WriteLine($"before the reboot: {before}; after: {counts}");
        Assert.That(took, Is.LessThan(ServeWithin));
        Assert.That(counts, Is.EqualTo(before), "everything back, once per function, nothing of the old boot left");
    }

    /// <summary>The daemon names its netns pool after its state directory (src/FaasD/Hosting/NetnsPoolPrefix.cs).</summary>
    private static string PoolPrefixOf(string stateDir) =>
        "faasd-pool-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(stateDir))))[..10];

    /// <summary>
    /// The counts to compare against, taken once the daemon's netns pool is full again: the pool refills only after
    /// takes have stopped for a moment (NetworkOptions.PoolRefillDelay), so right after the deploys or a restart a
    /// count could catch an entry still being made and take a refill in progress for the baseline.
    /// </summary>
    private async Task<LeakCounts> SteadyCountsAsync()
    {
        var pool = PoolPrefixOf(_host.Daemon.StateDir) + "-";
        var clock = Stopwatch.StartNew();
        while (AttachedPoolEntries(pool) < DaemonPoolSize && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(100);
        }

        Assert.That(AttachedPoolEntries(pool), Is.EqualTo(DaemonPoolSize), "the daemon's netns pool filled up");
        return await LeakCounts.TakeAsync(_host);
    }

    private static int AttachedPoolEntries(string prefix) =>
        Directory.Exists(PoolRecords)
            ? Directory.EnumerateFiles(PoolRecords, prefix + "*.json").Count(path =>
            {
                try
                {
                    return JsonNode.Parse(File.ReadAllText(path))?["result"]?["ips"]?[0] is not null;
                }
                catch (IOException)
                {
                    return false; // released while we looked
                }
            })
            : 0;

    private async Task<LeakCounts> SettledCountsAsync(LeakCounts expected)
    {
        // Removal of an old generation (an update) and the pool's refill (a restart) finish in the background: give
        // them a bounded moment (10 s).
        LeakCounts counts = await LeakCounts.TakeAsync(_host);
        for (var i = 0; i < 50 && counts != expected; i++)
        {
            await Task.Delay(200);
            counts = await LeakCounts.TakeAsync(_host);
        }

        return counts;
    }

    private async Task FreezeAsync()
    {
        using var api = _host.Daemon.Client();
        foreach (var name in Frozen)
        {
            using var response = await api.PostAsync($"/system/scale-function/{name}", ChaosHost.Json("""{"replicas":0}"""));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        }
    }

    private async Task<HttpResponseMessage> UpdateAsync(string name, int generation)
    {
        using var api = _host.Daemon.Client(TimeSpan.FromMinutes(2));
        try
        {
            return await api.PutAsync("/system/functions", ChaosHost.Json($$$"""{"service":"{{{name}}}","image":"{{{_host.Image.Reference}}}","envVars":{"GEN":"{{{generation}}}"}}"""));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable); // cut off by the kill
        }
    }

    /// <summary>Kills every shim of the private containerd and every process below it, as a power cut does.</summary>
    private async Task KillTasksAsync()
    {
        var shims = (await Shell.RunAsync("pgrep", "-f", $"containerd-shim.*{_host.Containerd.SocketPath}"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
        var all = new List<int>();
        var queue = new Queue<int>(shims);
        while (queue.Count > 0)
        {
            var pid = queue.Dequeue();
            all.Add(pid);
            foreach (var thread in Directory.Exists($"/proc/{pid}/task") ? Directory.GetDirectories($"/proc/{pid}/task") : [])
            {
                var children = Path.Combine(thread, "children");
                foreach (var child in File.Exists(children) ? File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries) : [])
                {
                    queue.Enqueue(int.Parse(child, System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }

        Assert.That(shims, Is.Not.Empty, "there were tasks to kill");
        foreach (var pid in all)
        {
            await Shell.RunAsync("kill", "-9", pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static async Task<bool> WaitForAsync(Func<Task<bool>> condition, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < within)
        {
            try
            {
                if (await condition())
                {
                    return true;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        return false;
    }
}
