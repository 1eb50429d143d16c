using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using FaasD.TestSupport;

namespace FaasD.Tests.Daemon;

/// <summary>
/// A real `faasd up` as a child process, with its own state directory, port and CNI config on the test bridge,
/// against the machine's containerd. Kill it with <see cref="KillAsync"/> and start it again to test restarts.
/// </summary>
internal sealed record DaemonProcessOptions
{
    public string? StateDir { get; init; }
    public string? CniDir { get; init; }
    public IReadOnlyDictionary<string, string>? ExtraEnv { get; init; }
    public string? ContainerdSocket { get; init; }
    public string? NetworkName { get; init; }
    public string? Bridge { get; init; }
    public string? Subnet { get; init; }
    public IReadOnlyList<string>? ExtraArgs { get; init; }

    /// <summary>The daemon's working directory; default: the test run's.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>The program (and its first arguments) that runs faasd, e.g. qemu-user and an arm64 binary; default: see StartAsync.</summary>
    public IReadOnlyList<string>? Command { get; init; }
}

internal sealed class DaemonProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private readonly IReadOnlyList<string>? _command;
    private readonly string? _workingDirectory;
    private Process? _process;

    public DaemonProcess(string? stateDir = null, IReadOnlyDictionary<string, string>? extraEnv = null)
        : this(new DaemonProcessOptions { StateDir = stateDir, ExtraEnv = extraEnv })
    {
    }

    /// <summary>The chaos suite runs its daemon on a private containerd and a bridge of its own.</summary>
    public DaemonProcess(DaemonProcessOptions options)
    {
        StateDir = options.StateDir ?? Directory.CreateTempSubdirectory("faasd-daemon-").FullName;
        ExtraEnv = options.ExtraEnv ?? new Dictionary<string, string>();
        ContainerdSocket = options.ContainerdSocket ?? TestEnvironment.ContainerdSocket;
        ExtraArgs = options.ExtraArgs ?? [];
        _command = options.Command;
        _workingDirectory = options.WorkingDirectory;
        Port = FreePort();
        MetricsPort = FreePort();
        CniDir = options.CniDir ?? Path.Combine(StateDir, "cni");
        Directory.CreateDirectory(CniDir);
        File.WriteAllText(Path.Combine(CniDir, "10-openfaas.conflist"), Conflist(options.NetworkName ?? "faasd-it-bridge", options.Bridge ?? Bridge, options.Subnet ?? Subnet));
    }

    /// <summary>A bridge and subnet of their own, so tests never touch a production openfaas0.</summary>
    public const string Bridge = "faasdit0";
    public const string Subnet = "10.63.240.0/22";

    private static string Conflist(string network, string bridge, string subnet) => $$"""
        {
          "cniVersion": "0.4.0",
          "name": "{{network}}",
          "plugins": [
            { "type": "bridge", "bridge": "{{bridge}}", "isGateway": true, "ipMasq": true,
              "ipam": { "type": "host-local", "subnet": "{{subnet}}", "dataDir": "/var/run/cni", "routes": [ { "dst": "0.0.0.0/0" } ] } },
            { "type": "firewall" }
          ]
        }
        """;

    public string StateDir { get; }
    public string CniDir { get; }
    public int Port { get; }

    /// <summary>The Prometheus listener's port (each daemon its own, never the default 8082 other daemons may hold).</summary>
    public int MetricsPort { get; }
    public Uri MetricsAddress => new($"http://127.0.0.1:{MetricsPort}");
    public IReadOnlyDictionary<string, string> ExtraEnv { get; }
    public string ContainerdSocket { get; }
    public IReadOnlyList<string> ExtraArgs { get; }
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");
    public string Output { get { lock (_output) { return _output.ToString(); } } }
    public int? Pid => _process is { HasExited: false } p ? p.Id : null;

    public string Password => File.ReadAllText(Path.Combine(StateDir, "secrets", "basic-auth-password")).Trim();

    /// <summary>An HTTP client logged in like `faas-cli login` would be.</summary>
    public HttpClient Client(TimeSpan? timeout = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(90) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{Password}")));
        client.DefaultRequestHeaders.UserAgent.ParseAdd("faas-cli/0.17.0");
        return client;
    }

    /// <summary>
    /// A faasd command line (`faasd cron ls`, `faasd queue …`) run the way the daemon is: with FAASD_TEST_BINARY the
    /// published (NativeAOT) binary, else the build's faasd.dll. Arguments go to <see cref="ProcessStartInfo.ArgumentList"/>.
    /// </summary>
    public static ProcessStartInfo CommandStartInfo()
    {
        var native = Environment.GetEnvironmentVariable("FAASD_TEST_BINARY") is { Length: > 0 } binary ? binary : null;
        var info = new ProcessStartInfo(native ?? "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (native is null)
        {
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "faasd.dll"));
        }

        return info;
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        // FAASD_TEST_BINARY runs the suite against a published (NativeAOT) faasd instead of the build's faasd.dll.
        var native = Environment.GetEnvironmentVariable("FAASD_TEST_BINARY") is { Length: > 0 } binary ? binary : null;
        IReadOnlyList<string> command = _command ?? (native is null ? ["dotnet", Path.Combine(AppContext.BaseDirectory, "faasd.dll")] : [native]);
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _workingDirectory ?? string.Empty,
        };
        foreach (var arg in command.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        string[] args =
        [
            "up", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--state-dir", StateDir, "--cni-conf-dir", CniDir, "--containerd-socket", ContainerdSocket, "--stop-grace-period", "2s",
            "--metrics-port", MetricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture), .. ExtraArgs,
        ];
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in ExtraEnv)
        {
            info.Environment[key] = value;
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start faasd");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"faasd exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await probe.GetAsync("/healthz", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"faasd did not answer /healthz within 90 s:\n{Output}");
    }

    /// <summary>kill -9: no shutdown code runs, as when the daemon crashes.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: false);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>SIGTERM, as systemd stops the service: the daemon shuts down in order (killed after 30 s).</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            _ = kill(process.Id, 15);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
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
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
