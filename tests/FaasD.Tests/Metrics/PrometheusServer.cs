using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using NUnit.Framework;

namespace FaasD.Tests.Metrics;

/// <summary>
/// Debian's <c>prometheus</c> on 127.0.0.1 with the repository's <c>prometheus.yml</c>, its target pointed at a test
/// daemon's metrics port and its interval shortened; private storage in a temp directory.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus";

    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _output = new();

    private PrometheusServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Address = new Uri($"http://127.0.0.1:{port}");
    }

    public Uri Address { get; }

    public static async Task<PrometheusServer> StartAsync(int metricsPort)
    {
        var directory = Directory.CreateTempSubdirectory("faasd-prometheus-").FullName;
        var config = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "prometheus.yml"));
        Assert.That(config, Does.Contain("targets: [\"gateway:8082\"]"), "the repository's scrape config changed its target");
        Assert.That(config, Does.Contain("scrape_interval: 15s"), "the repository's scrape config changed its interval");
        config = config
            .Replace("targets: [\"gateway:8082\"]", $"targets: [\"127.0.0.1:{metricsPort}\"]", StringComparison.Ordinal)
            .Replace("scrape_interval: 15s", "scrape_interval: 1s", StringComparison.Ordinal);
        var configPath = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(configPath, config);

        var port = FreePort();
        var info = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "--config.file=" + configPath, "--storage.tsdb.path=" + Path.Combine(directory, "data"),
                     $"--web.listen-address=127.0.0.1:{port}",
                 })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start prometheus");
        var server = new PrometheusServer(process, directory, port);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Polls an instant query until it returns <paramref name="expected"/> (bounded: 60 s), returning the last value seen.</summary>
    public async Task<double?> WaitForValueAsync(string query, double expected)
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        double? last = null;
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited)
            {
                Assert.Fail($"prometheus exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                var json = await client.GetStringAsync("/api/v1/query?query=" + Uri.EscapeDataString(query));
                using var document = JsonDocument.Parse(json);
                var result = document.RootElement.GetProperty("data").GetProperty("result");
                if (result.GetArrayLength() == 1)
                {
                    last = double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
                    if (last == expected)
                    {
                        return last;
                    }
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(500);
        }

        TestContext.Out.WriteLine(Output);
        return last;
    }

    private string Output { get { lock (_output) { return _output.ToString(); } } }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
