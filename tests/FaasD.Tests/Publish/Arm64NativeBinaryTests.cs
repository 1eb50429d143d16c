using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FaasD.Tests.Daemon;
using FaasD.TestSupport;
using NUnit.Framework;

namespace FaasD.Tests.Publish;

/// <summary>
/// The Raspberry Pi build (issue #16): scripts/publish-native.sh cross-compiles faasd for linux-arm64 with NativeAOT,
/// and the one file it makes starts under qemu-user on this amd64 machine and serves the OpenFaaS API against the
/// tests' containerd. test.sh installs the cross toolchain, qemu-user-static and the arm64 libc/libssl; a missing one
/// fails the test with the package to install, it is never skipped.
/// </summary>
[Integration]
[Category("Publish")]
[NonParallelizable]
public sealed class Arm64NativeBinaryTests
{
    private const int EmAarch64 = 183;

    [Test]
    [CancelAfter(15 * 60 * 1000)]
    public async Task Cross_built_arm64_binary_runs_under_qemu_and_serves_the_api(CancellationToken cancellationToken)
    {
        TestEnvironment.RequireContainerd();
        var qemu = new[] { "/usr/bin/qemu-aarch64-static", "/usr/bin/qemu-aarch64" }.FirstOrDefault(File.Exists);
        Assert.That(qemu, Is.Not.Null, "qemu-user is missing: apt-get install qemu-user-static");
        Assert.That(File.Exists("/lib/ld-linux-aarch64.so.1"), Is.True, "the arm64 libc is missing: dpkg --add-architecture arm64 && apt-get install libc6:arm64 libssl3:arm64");

        var output = Directory.CreateTempSubdirectory("faasd-arm64-").FullName;
        try
        {
            var clock = Stopwatch.StartNew();
            var (exitCode, log) = await RunAsync(cancellationToken, Path.Combine(RepositoryRoot(), "scripts/publish-native.sh"), "arm64", output);
            await TestContext.Progress.WriteLineAsync($"arm64 NativeAOT cross build took {clock.Elapsed.TotalSeconds:F0} s");
            Assert.That(exitCode, Is.Zero, log);

            var binary = Path.Combine(output, "faasd");
            var header = new byte[20];
            await using (var file = File.OpenRead(binary))
            {
                await file.ReadExactlyAsync(header, cancellationToken);
            }

            var size = new FileInfo(binary).Length;
            await TestContext.Progress.WriteLineAsync($"faasd linux-arm64 is {size / 1024.0 / 1024.0:F1} MiB");
            Assert.Multiple(() =>
            {
                Assert.That(header[..4], Is.EqualTo(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F' }), "an ELF file");
                Assert.That(BitConverter.ToUInt16(header, 18), Is.EqualTo(EmAarch64), "built for aarch64");
                Assert.That(size, Is.LessThanOrEqualTo(40L * 1024 * 1024), "issue #16: the binary is at most 40 MiB");
            });

            var (versionExit, version) = await RunAsync(cancellationToken, qemu!, binary, "--version");
            Assert.That(versionExit, Is.Zero, version);
            Assert.That(version.Trim(), Does.Match(@"^\d+\.\d+\.\d+"));

            // No pre-wired namespaces and no metrics listener: this daemon only has to show that the arm64 code runs.
            await using var daemon = new DaemonProcess(new DaemonProcessOptions
            {
                Command = [qemu!, binary],
                ExtraArgs = ["--netns-pool-size", "0"],
            });
            await daemon.StartAsync(cancellationToken);
            using var api = daemon.Client();
            using var info = await api.GetFromJsonAsync<JsonDocument>("/system/info", cancellationToken);
            using var functions = await api.GetAsync("/system/functions", cancellationToken);
            Assert.Multiple(() =>
            {
                Assert.That(info!.RootElement.GetProperty("arch").GetString(), Is.EqualTo("arm64"), "the daemon runs as arm64 code");
                Assert.That(functions.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            });

            await daemon.StopAsync();
            Assert.That(daemon.Pid, Is.Null, "SIGTERM stopped it:\n" + daemon.Output);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(CancellationToken cancellationToken, string program, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Above the test binaries, or else above this source file (a build outside the checkout).</summary>
    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { TestContext.CurrentContext.TestDirectory, Path.GetDirectoryName(sourceFile) ?? "/" })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "scripts/publish-native.sh")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException("repository root (with scripts/publish-native.sh) not found above " + TestContext.CurrentContext.TestDirectory);
    }
}
