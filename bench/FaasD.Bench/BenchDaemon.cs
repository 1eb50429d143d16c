using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FaasD.Bench;

/// <summary>
/// A real <c>faasd up</c> for the benchmarks, started like the daemon tests start it (own state dir, port and
/// private bridge <c>faasdit0</c>), at Debug log level so the lifecycle phases can be read from its output.
/// Every function deployed through it is remembered and removed by <see cref="DisposeAsync"/>.
/// </summary>
internal sealed class BenchDaemon : IAsyncDisposable
{
    public const string Namespace = "openfaas-fn";
    private const string Bridge = "faasdit0";
    private const string Subnet = "10.63.240.0/22";

    private static readonly string Conflist = $$"""
        {
          "cniVersion": "0.4.0",
          "name": "faasd-it-bridge",
          "plugins": [
            { "type": "bridge", "bridge": "{{Bridge}}", "isGateway": true, "ipMasq": true,
              "ipam": { "type": "host-local", "subnet": "{{Subnet}}", "dataDir": "/var/run/cni", "routes": [ { "dst": "0.0.0.0/0" } ] } },
            { "type": "firewall" }
          ]
        }
        """;

    private readonly List<string> _lines = [];
    private readonly ConcurrentDictionary<string, byte> _deployed = new(StringComparer.Ordinal);
    private readonly string _executable;
    private readonly IReadOnlyList<string> _extraArgs;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly string _logLevel;
    private Process? _process;
    private HttpClient? _api;

    public BenchDaemon(string executable, string containerdSocket, IReadOnlyDictionary<string, string>? environment = null, string logLevel = "Debug", IReadOnlyList<string>? extraArgs = null)
    {
        _executable = executable;
        _extraArgs = extraArgs ?? [];
        _environment = environment ?? new Dictionary<string, string>();
        _logLevel = logLevel;
        ContainerdSocket = containerdSocket;
        StateDir = Directory.CreateTempSubdirectory("faasd-bench-").FullName;
        Port = FreePort();
        MetricsPort = FreePort();
        Directory.CreateDirectory(Path.Combine(StateDir, "cni"));
        File.WriteAllText(Path.Combine(StateDir, "cni", "10-openfaas.conflist"), Conflist);
    }

    public string StateDir { get; }
    public int Port { get; }
    public int MetricsPort { get; }
    public Uri MetricsAddress => new($"http://127.0.0.1:{MetricsPort.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The daemon's VmRSS right after /healthz first answered.</summary>
    public long StartRssKb { get; private set; }

    /// <summary>From starting the process to the first 200 from /healthz (polled every 5 ms).</summary>
    public double StartToHealthyMs { get; private set; }
    public string ContainerdSocket { get; }
    public Uri BaseAddress => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}");
    public int Pid => _process is { HasExited: false } p ? p.Id : throw new BenchException("faasd is not running");
    public HttpClient Api => _api ?? throw new BenchException("faasd is not started");

    public Uri FunctionUrl(string name, string path = "") => new(BaseAddress, $"/function/{name}{path}");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var info = _executable.EndsWith(".dll", StringComparison.Ordinal) ? new ProcessStartInfo("dotnet") : new ProcessStartInfo(_executable);
        if (_executable.EndsWith(".dll", StringComparison.Ordinal))
        {
            info.ArgumentList.Add(_executable);
        }

        foreach (var arg in new[] { "up", "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--state-dir", StateDir,
                     "--cni-conf-dir", Path.Combine(StateDir, "cni"), "--containerd-socket", ContainerdSocket, "--stop-grace-period", "2s", "--log-level", _logLevel,
                     "--metrics-port", MetricsPort.ToString(CultureInfo.InvariantCulture) }.Concat(_extraArgs))
        {
            info.ArgumentList.Add(arg);
        }

        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        foreach (var (key, value) in _environment)
        {
            info.Environment[key] = value;
        }

        var clock = Stopwatch.StartNew();
        _process = Process.Start(info) ?? throw new BenchException("could not start faasd");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        while (clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (_process.HasExited)
            {
                throw new BenchException($"faasd exited with {_process.ExitCode}:\n{string.Join('\n', LinesFrom(0))}");
            }

            try
            {
                using var response = await probe.GetAsync(new Uri("/healthz", UriKind.Relative), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    StartToHealthyMs = clock.Elapsed.TotalMilliseconds;
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(5, cancellationToken);
        }

        StartRssKb = SystemProbe.StatusKb(_process.Id, "VmRSS");
        var password = (await File.ReadAllTextAsync(Path.Combine(StateDir, "secrets", "basic-auth-password"), cancellationToken)).Trim();
        _api = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 256 }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
        _api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{password}")));
    }

    /// <summary>POST /system/functions; returns when the daemon answers (it answers once the function accepts connections).</summary>
    public async Task DeployAsync(string name, string image, IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? annotations = null)
    {
        _deployed[name] = 0;
        using var response = await Api.PostAsJsonAsync(new Uri("/system/functions", UriKind.Relative),
            new { service = name, image, labels = labels ?? new Dictionary<string, string>(), annotations = annotations ?? new Dictionary<string, string>() }, cancellationToken);
        await EnsureOkAsync(response, $"deploy {name}", cancellationToken);
    }

    /// <summary>PUT /system/functions (an update: a rolling one when the function serves); returns when the daemon answers.</summary>
    public async Task UpdateAsync(string name, string image, IReadOnlyDictionary<string, string>? labels, IReadOnlyDictionary<string, string>? env, CancellationToken cancellationToken)
    {
        using var response = await Api.PutAsJsonAsync(new Uri("/system/functions", UriKind.Relative),
            new { service = name, image, labels = labels ?? new Dictionary<string, string>(), envVars = env ?? new Dictionary<string, string>() }, cancellationToken);
        await EnsureOkAsync(response, $"update {name}", cancellationToken);
    }

    /// <summary>GET /system/function/NAME: (replicas, availableReplicas).</summary>
    public async Task<(int Replicas, int Available)> ReplicasAsync(string name, CancellationToken cancellationToken)
    {
        var status = await Api.GetFromJsonAsync<JsonObject>(new Uri($"/system/function/{name}", UriKind.Relative), cancellationToken)
            ?? throw new BenchException($"describe {name} returned nothing");
        return (status["replicas"]?.GetValue<int>() ?? 0, status["availableReplicas"]?.GetValue<int>() ?? 0);
    }

    public async Task RemoveAsync(string name, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri("/system/functions", UriKind.Relative))
        {
            Content = JsonContent.Create(new { functionName = name }),
        };
        using var response = await Api.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            try
            {
                await EnsureOkAsync(response, $"remove {name}", cancellationToken);
            }
            catch (BenchException ex)
            {
                // The daemon's own account of the failure: what the figures alone would never say.
                throw new BenchException($"{ex.Message}\ndaemon log:\n{string.Join('\n', LogAbout(name))}");
            }
        }

        _deployed.TryRemove(name, out _);
    }

    public async Task ScaleAsync(string name, int replicas, CancellationToken cancellationToken)
    {
        using var response = await Api.PostAsJsonAsync(new Uri($"/system/scale-function/{name}", UriKind.Relative), new { serviceName = name, replicas }, cancellationToken);
        await EnsureOkAsync(response, $"scale {name} to {replicas}", cancellationToken);
    }

    /// <summary>The function's IP on the bridge, from the attachment record the network layer keeps under /var/run/faasd/network.</summary>
    public IPAddress AddressOf(string name)
    {
        var record = Path.Combine("/var/run/faasd/network", $"{Namespace}.{name}.json");
        if (File.Exists(record) && JsonNode.Parse(File.ReadAllText(record))?["result"]?["ips"]?[0]?["address"]?.GetValue<string>() is { } cidr)
        {
            return IPAddress.Parse(cidr.Split('/')[0]);
        }

        // Fallback: the runtime's "Task … started, pid …, address …" line.
        var pattern = new Regex($@"Task {Regex.Escape(Namespace)}/{Regex.Escape(name)} started, pid \d+, address (\S+)", RegexOptions.CultureInvariant);
        foreach (var line in LinesFrom(0).Reverse())
        {
            if (pattern.Match(line) is { Success: true } match)
            {
                return IPAddress.Parse(match.Groups[1].Value);
            }
        }

        throw new BenchException($"no address known for {name} (no {record})");
    }

    public int LineCount
    {
        get
        {
            lock (_lines)
            {
                return _lines.Count;
            }
        }
    }

    public IReadOnlyList<string> LinesFrom(int index)
    {
        lock (_lines)
        {
            return _lines.Skip(index).ToList();
        }
    }

    /// <summary>Removes every function this run deployed (concurrently), stops the daemon and deletes its state dir.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_api is not null && _process is { HasExited: false } && !_deployed.IsEmpty)
        {
            Console.Error.WriteLine($"cleanup: removing {_deployed.Count} function(s) this run deployed");
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await Parallel.ForEachAsync(_deployed.Keys.ToList(), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (name, _) =>
            {
                try
                {
                    await RemoveAsync(name, deadline.Token);
                }
                catch (Exception ex) when (ex is HttpRequestException or BenchException or OperationCanceledException)
                {
                    Console.Error.WriteLine($"cleanup: could not remove {name}: {ex.Message}");
                }
            });
        }

        _api?.Dispose();
        if (_process is { HasExited: false } process)
        {
            // SIGTERM first: the daemon leaves functions (none remain) and exits cleanly.
            _ = Libc.kill(process.Id, 15);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(StateDir, recursive: true);
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"cleanup: could not delete {StateDir}: {ex.Message}");
        }
    }

    /// <summary>The daemon's lines about <paramref name="name"/> and its errors, the last 30.</summary>
    private IEnumerable<string> LogAbout(string name)
    {
        lock (_lines)
        {
            // Continuation lines (an exception's type, message and stack) carry no time stamp.
            return _lines.Where(l => l.Contains(name, StringComparison.Ordinal) || l.Contains(" ERR ", StringComparison.Ordinal) || l.Contains(" FTL ", StringComparison.Ordinal)
                    || (l.Length > 0 && !char.IsAsciiDigit(l[0])))
                .TakeLast(40).ToList();
        }
    }

    private static async Task EnsureOkAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Accepted or HttpStatusCode.Created or HttpStatusCode.NoContent))
        {
            throw new BenchException($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

internal static class Libc
{
    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    internal static extern int kill(int pid, int signal);
}
