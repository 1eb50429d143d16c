using System.Diagnostics;
using FaasD.TestSupport;
using NUnit.Framework;
using TasksApi = FaasD.Containerd.Api.Tasks;

namespace FaasD.Runtime.Tests.Lifecycle;

/// <summary>What the function's process sees and leaves: its output, its filesystem, its limits, its exit.</summary>
[Integration]
public sealed class ContainerRuntimeProcessTests
{
    private const string Id = "proc";

    [Test]
    public async Task Stdout_and_stderr_land_in_the_log_file_which_can_be_truncated_in_place()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var ct = timeout.Token;
        await using var host = await StartAsync(
            spec => spec with
            {
                Args = ["/bin/sh", "-c", "echo out-$MARK-$PATH; echo err-$MARK >&2; while true; do echo tick; sleep 0.1; done"],
                Env = ["MARK=m42"],
            },
            ct);
        var log = host.Runtime.LogPathFor(host.Namespace, Id);

        var written = await WaitForLogAsync(log, text => text.Contains("err-m42", StringComparison.Ordinal), ct);
        TestContext.Progress.WriteLine($"log file created by the shim with mode {File.GetUnixFileMode(log)}");
        // The shim holds the file with O_APPEND: after truncation its next write lands at offset 0, not after a hole.
        await using (var file = new FileStream(log, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            file.SetLength(0);
        }

        var afterTruncate = await WaitForLogAsync(log, text => text.Contains("tick", StringComparison.Ordinal), ct);

        Assert.Multiple(() =>
        {
            Assert.That(written, Does.Contain("out-m42-/usr/local/sbin"), "stdout, with env merged over the image's PATH");
            Assert.That(written, Does.Contain("err-m42"), "stderr goes to the same file");
            Assert.That(afterTruncate[0], Is.Not.EqualTo('\0'), "no sparse hole where the old content was");
            Assert.That(new FileInfo(log).Length, Is.LessThan(written.Length + 200));
            Assert.That(File.GetUnixFileMode(Path.GetDirectoryName(log)!), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
        });
    }

    [Test]
    public async Task Read_only_root_cannot_be_written_but_tmp_can()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var ct = timeout.Token;
        await using var host = await StartAsync(
            spec => spec with
            {
                Args = ["/bin/sh", "-c", "touch /probe && echo root-writable || echo root-readonly; touch /tmp/probe && echo tmp-writable; sleep 60"],
                ReadOnlyRootFilesystem = true,
            },
            ct);

        var log = await WaitForLogAsync(host.Runtime.LogPathFor(host.Namespace, Id), text => text.Contains("tmp-", StringComparison.Ordinal), ct);

        Assert.Multiple(() =>
        {
            Assert.That(log, Does.Contain("root-readonly"));
            Assert.That(log, Does.Not.Contain("root-writable"));
            Assert.That(log, Does.Contain("tmp-writable"));
        });
    }

    [Test]
    public async Task Writable_root_can_be_written()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var ct = timeout.Token;
        await using var host = await StartAsync(
            spec => spec with { Args = ["/bin/sh", "-c", "touch /probe && echo root-writable || echo root-readonly; sleep 60"] },
            ct);

        var log = await WaitForLogAsync(host.Runtime.LogPathFor(host.Namespace, Id), text => text.Contains("root-", StringComparison.Ordinal), ct);

        Assert.That(log, Does.Contain("root-writable"));
    }

    [Test]
    public async Task Memory_and_cpu_limits_reach_the_cgroup()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var ct = timeout.Token;
        await using var host = await StartAsync(spec => spec with { MemoryLimitBytes = 64L << 20, CpuMillis = 250 }, ct);
        var cgroup = host.CgroupsPathOf(Id).TrimStart('/');

        string memory, cpu;
        if (File.Exists("/sys/fs/cgroup/cgroup.controllers"))
        {
            memory = await File.ReadAllTextAsync($"/sys/fs/cgroup/{cgroup}/memory.max", ct);
            cpu = await File.ReadAllTextAsync($"/sys/fs/cgroup/{cgroup}/cpu.max", ct);
        }
        else
        {
            memory = await File.ReadAllTextAsync($"/sys/fs/cgroup/memory/{cgroup}/memory.limit_in_bytes", ct);
            cpu = await File.ReadAllTextAsync($"/sys/fs/cgroup/cpu/{cgroup}/cpu.cfs_quota_us", ct);
        }

        Assert.Multiple(() =>
        {
            Assert.That(memory.Trim(), Is.EqualTo((64L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(cpu.Trim(), Does.StartWith("25000"));
        });
    }

    [Test]
    public async Task Watch_reports_the_exit_of_a_killed_task()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var ct = timeout.Token;
        await using var host = await StartAsync(spec => spec, ct);
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var exit = FirstExitAsync(host, watching.Token);
        // Let the subscription reach containerd before the exit happens.
        await Task.Delay(TimeSpan.FromMilliseconds(500), ct);

        var killed = Stopwatch.StartNew();
        await host.Scope.Tasks.KillAsync(new TasksApi.KillRequest { ContainerId = Id, Signal = 9 }, cancellationToken: ct);
        var reported = await exit.WaitAsync(TimeSpan.FromSeconds(10), ct);
        TestContext.Progress.WriteLine($"exit event {killed.Elapsed.TotalMilliseconds:F1} ms after Kill");
        await watching.CancelAsync();

        Assert.Multiple(() =>
        {
            Assert.That(reported.Namespace, Is.EqualTo(host.Namespace));
            Assert.That(reported.Id, Is.EqualTo(Id));
            Assert.That(reported.ExitStatus, Is.EqualTo(137), "128 + SIGKILL");
            Assert.That(reported.ExitedAt, Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(1)));
        });
    }

    private static async Task<TaskExit> FirstExitAsync(RuntimeTestHost host, CancellationToken ct)
    {
        await foreach (var exit in host.Runtime.WatchExitsAsync(ct))
        {
            if (exit.Namespace == host.Namespace && exit.Id == Id)
            {
                return exit;
            }
        }

        throw new InvalidOperationException("the exit stream ended");
    }

    private static async Task<string> WaitForLogAsync(string path, Func<string, bool> done, CancellationToken ct)
    {
        var text = "";
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            text = File.Exists(path) ? await File.ReadAllTextAsync(path, ct) : "";
            if (done(text))
            {
                return text;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), ct);
        }

        Assert.Fail($"log {path} never showed what the test waits for; it holds:\n{text}");
        return text;
    }

    private static async Task<RuntimeTestHost> StartAsync(Func<ContainerSpec, ContainerSpec> configure, CancellationToken ct)
    {
        var host = RuntimeTestHost.Create();
        try
        {
            await host.PullTestImageAsync(ct);
            await host.Runtime.CreateContainerAsync(configure(host.SpecFor(Id)), ct);
            await host.Runtime.StartTaskAsync(host.Namespace, Id, ct);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }
}
