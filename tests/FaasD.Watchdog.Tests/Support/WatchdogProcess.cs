using System.Diagnostics;
using System.Net;
using System.Text;
using NUnit.Framework;

namespace FaasD.Watchdog.Tests.Support;

/// <summary>
/// A real watchdog process on a free loopback port with its own TMPDIR (so its lock file is private), its output
/// captured for assertions. Started from the JIT build (<c>dotnet fwatchdog.dll</c>) unless a native binary is given.
/// </summary>
internal sealed class WatchdogProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private WatchdogProcess(Process process, int port, string tempDirectory)
    {
        _process = process;
        Port = port;
        TempDirectory = tempDirectory;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public int Port { get; }

    public string TempDirectory { get; }

    public string LockFile => Path.Combine(TempDirectory, ".lock");

    public HttpClient Client { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static async Task<WatchdogProcess> StartAsync(
        IReadOnlyDictionary<string, string> environment, string? nativeBinary = null, bool waitUntilHealthy = true)
    {
        var tempDirectory = Directory.CreateTempSubdirectory("fwatchdog-test-").FullName;
        var port = FreePort.Next();
        var startInfo = nativeBinary is null ? new ProcessStartInfo("dotnet") { ArgumentList = { WatchdogLocation.Dll } } : new ProcessStartInfo(nativeBinary);
        startInfo.UseShellExecute = false;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.Environment["TMPDIR"] = tempDirectory;
        startInfo.Environment["port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        var process = new Process { StartInfo = startInfo };
        var watchdog = new WatchdogProcess(process, port, tempDirectory);
        process.OutputDataReceived += (_, e) => Append(watchdog._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(watchdog._stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (waitUntilHealthy)
        {
            await watchdog.WaitForHealthAsync(HttpStatusCode.OK, TimeSpan.FromSeconds(30));
        }

        return watchdog;
    }

    public async Task WaitForHealthAsync(HttpStatusCode expected, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        HttpStatusCode? last = null;
        while (!deadline.IsCancellationRequested)
        {
            if (_process.HasExited)
            {
                Assert.Fail($"watchdog exited with {_process.ExitCode} while waiting for health {expected}; stderr:\n{Stderr}");
            }

            try
            {
                using var response = await Client.GetAsync(new Uri("/_/health", UriKind.Relative), deadline.Token);
                last = response.StatusCode;
                if (last == expected)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException)
            {
                break;
            }

            await Task.Delay(50, CancellationToken.None);
        }

        Assert.Fail($"health did not become {expected} within {timeout} (last {last?.ToString() ?? "no answer"}); stderr:\n{Stderr}");
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    /// <summary>Direct children of the watchdog (http mode's upstream), read from /proc.</summary>
    public IReadOnlyList<int> ChildPids() =>
        Directory.GetDirectories($"/proc/{Pid}/task")
            .Select(task => Path.Combine(task, "children"))
            .Where(File.Exists)
            .SelectMany(file => File.ReadAllText(file).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(int.Parse)
            .Distinct()
            .ToList();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
        Directory.Delete(TempDirectory, recursive: true);
    }

    private static void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (target)
        {
            target.AppendLine(line);
        }
    }
}
