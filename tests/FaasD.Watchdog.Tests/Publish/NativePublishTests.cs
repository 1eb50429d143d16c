using System.Diagnostics;
using System.Net;
using System.Text;
using FaasD.Watchdog.Tests.Support;
using NUnit.Framework;

namespace FaasD.Watchdog.Tests.Publish;

/// <summary>
/// Publishes the NativeAOT binary once (1–3 minutes on two cores, hence its own category so it can be filtered,
/// but it runs by default) and checks the result is one file that starts and answers.
/// </summary>
[TestFixture]
[Category("Publish")]
public sealed class NativePublishTests
{
    [Test]
    public async Task PublishedBinary_RunsAndAnswers()
    {
        var output = Directory.CreateTempSubdirectory("fwatchdog-publish-").FullName;
        try
        {
            var clock = Stopwatch.StartNew();
            var (exitCode, log) = await RunAsync("dotnet", "publish", WatchdogLocation.Project, "-c", "Release", "-r", "linux-x64", "-o", output);
            TestContext.Progress.WriteLine($"NativeAOT publish took {clock.Elapsed.TotalSeconds:F0}s");
            Assert.That(exitCode, Is.Zero, log);

            var binary = Path.Combine(output, "fwatchdog");
            var size = new FileInfo(binary).Length;
            TestContext.Progress.WriteLine($"fwatchdog is {size / 1024.0 / 1024.0:F1} MiB");
            Assert.That(size, Is.LessThan(30 * 1024 * 1024));

            await using var watchdog = await WatchdogProcess.StartAsync(
                new Dictionary<string, string> { ["mode"] = "classic", ["fprocess"] = "cat" }, nativeBinary: binary);
            using var response = await watchdog.Client.PostAsync(new Uri("/", UriKind.Relative), new StringContent("native", Encoding.UTF8, "text/plain"));

            Assert.Multiple(async () =>
            {
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
                Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("native"));
            });
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
