using System.Diagnostics;
using FaasD.TestSupport;
using FaasD.TestSupport.Images;
using NUnit.Framework;

namespace FaasD.Tests.Systemd;

/// <summary>
/// Runs scripts/systemd-test/run.sh: install.sh and faasd under a real systemd (PID 1 in systemd-nspawn), with the
/// busybox httpd test image for the function steps. Fails on any failed or skipped check, and when the stage cannot
/// run at all (no binary, no nspawn, no boot): run.sh then says why. Skips only without root, like every root test.
/// </summary>
[Integration]
[NonParallelizable]
public sealed class SystemdStageTests
{
    private const string ImageName = "localhost/faasd-test/busybox-httpd:systemd-stage";

    /// <summary>A CGI script that writes its query to stderr, so the stage can find it in the function's journal.</summary>
    private const string LogScript = "#!/bin/sh\necho \"log: $QUERY_STRING\" >&2\nprintf 'Content-Type: text/plain\\r\\n\\r\\nlogged\\n'\n";

    [Test]
    [CancelAfter(12 * 60 * 1000)]
    public async Task InstallRestartAndUninstallUnderSystemd(CancellationToken cancellationToken)
    {
        TestEnvironment.RequireRoot();
        var repo = FindRepositoryRoot();
        var archive = await WriteFunctionImageAsync(cancellationToken);

        var start = new ProcessStartInfo(Path.Combine(repo, "scripts/systemd-test/run.sh"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["FAASD_TEST_FUNCTION_IMAGE"] = archive,
                ["FAASD_TEST_FUNCTION_IMAGE_REF"] = ImageName,
            },
        };
        using var process = Process.Start(start)!;
        var output = new List<string>();
        var pump = Task.WhenAll(Pump(process.StandardOutput, output), Pump(process.StandardError, output));
        // run.sh bounds every step itself; this outer bound still reports what the stage printed (the step it
        // stopped at) instead of a bare timeout, before NUnit's CancelAfter would cut the test off silently.
        using var stageDeadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stageDeadline.CancelAfter(TimeSpan.FromMinutes(10));
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(stageDeadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            timedOut = true;
        }

        await pump.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        string log;
        lock (output)
        {
            log = string.Join('\n', output);
        }

        Assert.That(timedOut, Is.False, $"the systemd stage did not finish within 10 minutes; it printed:\n{log}");
        Assert.That(process.ExitCode, Is.Zero, log);
        Assert.That(output, Has.Some.Matches<string>(l => l.StartsWith("RESULT: ", StringComparison.Ordinal) && l.EndsWith(" 0 failed, 0 skipped", StringComparison.Ordinal)), log);
    }

    private static async Task<string> WriteFunctionImageAsync(CancellationToken cancellationToken)
    {
        var contents = BusyboxHttpd.Contents().AddFile("/www/cgi-bin/log", LogScript, ImageContents.ExecutableMode);
        var built = await OciImageBuilder.BuildAsync(contents, BusyboxHttpd.Config, cancellationToken);
        var path = Path.Combine(OciImageBuilder.WorkDirectory, "systemd-stage-function.oci.tar");
        await ImageArchiveWriter.WriteOciArchiveAsync(built, ImageName, path, cancellationToken);
        return path;
    }

    private static async Task Pump(StreamReader reader, List<string> output)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (output)
            {
                output.Add(line);
            }

            await TestContext.Progress.WriteLineAsync(line);
        }
    }

    /// <summary>Above the test binaries, or else above this source file (a build outside the checkout).</summary>
    private static string FindRepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { TestContext.CurrentContext.TestDirectory, Path.GetDirectoryName(sourceFile) ?? "/" })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "install.sh")) && Directory.Exists(Path.Combine(dir.FullName, "scripts/systemd-test")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException("repository root (with install.sh) not found above " + TestContext.CurrentContext.TestDirectory);
    }
}
