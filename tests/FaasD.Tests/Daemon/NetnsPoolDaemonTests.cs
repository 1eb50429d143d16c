using System.Diagnostics;
using System.Text.Json.Nodes;
using FaasD.Hosting;
using FaasD.TestSupport;
using NUnit.Framework;

namespace FaasD.Tests.Daemon;

/// <summary>
/// The pre-wired netns pool of a real `faasd up` (FAASD_NETNS_POOL_SIZE=2) on the test bridge: filled after start,
/// kept through a kill -9 and reused by the restarted daemon without new CNI ADDs, released by SIGTERM.
/// Counts the daemon's own pooled namespaces and records (named by its state dir, so other daemons' never count).
/// </summary>
[Integration]
[NonParallelizable]
internal sealed class NetnsPoolDaemonTests
{
    private const string RecordDirectory = "/var/run/faasd/network";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Test]
    public async Task Pool_survives_kill_9_is_reused_after_restart_and_released_by_sigterm()
    {
        TestEnvironment.RequireContainerd();
        var stateDir = Directory.CreateTempSubdirectory("faasd-pool-daemon-").FullName;
        var prefix = NetnsPoolPrefix.For(stateDir) + "-";
        var env = new Dictionary<string, string> { ["FAASD_NETNS_POOL_SIZE"] = "2" };
        try
        {
            List<string> pooled;
            List<string?> addresses;
            await using (var first = new DaemonProcess(stateDir, env))
            {
                await first.StartAsync();
                await WaitUntilAsync(() => Attached(prefix).Count == 2, first);
                pooled = Attached(prefix);
                addresses = [.. pooled.Select(AddressOf)];

                await first.KillAsync();
                Assert.That(Namespaces(prefix), Is.EquivalentTo(pooled), "kill -9 runs no clean-up: the pool is still there");
            }

            await using (var second = new DaemonProcess(stateDir, env))
            {
                await second.StartAsync();
                await WaitUntilAsync(() => second.Output.Contains("Network namespace pool: 2 entries", StringComparison.Ordinal), second);
                Assert.That(Attached(prefix), Is.EquivalentTo(pooled), "the restarted daemon reuses the same pooled namespaces");
                Assert.That(Attached(prefix).Select(AddressOf), Is.EquivalentTo(addresses), "with the same leases: no new ADD");

                await second.StopAsync();
                Assert.That(second.Output, Does.Contain("Network namespace pool stopped; 2 unused entries released"));
            }

            Assert.That(Namespaces(prefix), Is.Empty, "SIGTERM released the pooled namespaces");
            Assert.That(Records(prefix), Is.Empty, "and their records");
        }
        finally
        {
            // A failure above may leave this daemon's pool behind: a pool-less daemon on the same state dir releases it.
            if (Namespaces(prefix).Count > 0 || Records(prefix).Count > 0)
            {
                await using var cleaner = new DaemonProcess(stateDir, new Dictionary<string, string> { ["FAASD_NETNS_POOL_SIZE"] = "0" });
                await cleaner.StartAsync();
                var clock = Stopwatch.StartNew();
                while ((Namespaces(prefix).Count > 0 || Records(prefix).Count > 0) && clock.Elapsed < Bound)
                {
                    await Task.Delay(50);
                }
            }

            Directory.Delete(stateDir, recursive: true);
        }
    }

    private static List<string> Namespaces(string prefix) => Directory.Exists("/var/run/netns")
        ? [.. Directory.GetFiles("/var/run/netns", prefix + "*").Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal)]
        : [];

    private static List<string> Records(string prefix) => Directory.Exists(RecordDirectory)
        ? [.. Directory.GetFiles(RecordDirectory, prefix + "*").Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal)]
        : [];

    /// <summary>Pool ids whose record holds a finished CNI ADD result.</summary>
    private static List<string> Attached(string prefix) =>
        [.. Records(prefix).Where(name => name.EndsWith(".json", StringComparison.Ordinal)).Select(name => name[..^".json".Length]).Where(id => AddressOf(id) is not null)];

    private static string? AddressOf(string poolId)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(Path.Combine(RecordDirectory, poolId + ".json")))?["result"]?["ips"]?[0]?["address"]?.GetValue<string>();
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, DaemonProcess daemon)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Bound)
            {
                Assert.Fail($"the daemon's pool did not get there within {Bound.TotalSeconds} s:\n{daemon.Output}");
            }

            await Task.Delay(50);
        }
    }
}
