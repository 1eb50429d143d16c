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
    public async Task A_function_running_as_uid_1000_reads_its_secret_and_no_other_host_user_can()
    {
        // Issue 11 item 5: the secret on the host is root's 0600; the function sees a copy owned by its own user.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var ct = timeout.Token;
        var secretsDir = Directory.CreateTempSubdirectory("faasd-secret-").FullName;
        try
        {
            var secret = Path.Combine(secretsDir, "api-key");
            await File.WriteAllTextAsync(secret, "s3cr3t-value", ct);
            File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            await using var host = await StartAsync(
                spec => spec with
                {
                    User = "1000:1000",
                    Args = ["/bin/sh", "-c", "echo id-$(id -u); cat /var/openfaas/secrets/api-key && echo; echo read-done; sleep 60"],
                    Mounts = [new BindMount(secret, "/var/openfaas/secrets/api-key", ReadOnly: true, OwnedByProcessUser: true)],
                },
                ct);

            var log = await WaitForLogAsync(host.Runtime.LogPathFor(host.Namespace, Id), text => text.Contains("read-done", StringComparison.Ordinal), ct);
            var copies = Directory.GetFiles(Path.Combine(host.Options.OwnedCopiesDirectory, host.Namespace, Id));
            var copyOwner = await StatAsync(copies.Single(), "%u:%g %a", ct);
            var copyDirMode = File.GetUnixFileMode(Path.GetDirectoryName(copies[0])!);

            Assert.Multiple(() =>
            {
                Assert.That(log, Does.Contain("id-1000"));
                Assert.That(log, Does.Contain("s3cr3t-value"), "the non-root function reads its secret");
                Assert.That(copyOwner, Is.EqualTo("1000:1000 400"), "the copy is the function user's, read-only");
                Assert.That(copyDirMode, Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute), "root-only directory");
                Assert.That(File.GetUnixFileMode(secret), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite), "the original stays root's 0600");
            });

            // Another host user (nobody, 65534) reaches neither the copy nor the original.
            var asNobody = await RunAsAsync("65534", $"cat {copies[0]} {secret}", ct);
            Assert.That(asNobody, Does.Not.Contain("s3cr3t-value").And.Contain("Permission denied"));

            await host.Runtime.DeleteContainerAsync(host.Namespace, Id, ct);
            Assert.That(Directory.Exists(Path.Combine(host.Options.OwnedCopiesDirectory, host.Namespace, Id)), Is.False, "the copy goes with the container");
        }
        finally
        {
            Directory.Delete(secretsDir, recursive: true);
        }
    }

    private static async Task<string> StatAsync(string path, string format, CancellationToken ct) =>
        (await RunAsync("stat", ["-c", format, path], ct)).Trim();

    private static Task<string> RunAsAsync(string uid, string command, CancellationToken ct) =>
        RunAsync("setpriv", ["--reuid", uid, "--regid", uid, "--clear-groups", "/bin/sh", "-c", command + " 2>&1; true"], ct);

    private static async Task<string> RunAsync(string file, string[] args, CancellationToken ct)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true })!;
        var output = await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return output;
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
