using System.Net;
using System.Net.Sockets;
using FaasD.Functions.Abstractions;
using FaasD.Functions.Deployment;
using FaasD.Functions.Logs;
using FaasD.Functions.Scaling;
using FaasD.Functions.Secrets;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaasD.Functions.Tests.Deployment;

/// <summary>
/// A platform over the fake runtime, with a real listener standing in for every function's port. It answers every
/// HTTP request 404, as a function without a health endpoint does (readiness then rests on the open port).
/// </summary>
internal sealed class PlatformFixture : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();

    public PlatformFixture(TimeSpan? readinessTimeout = null)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("faasd-platform-").FullName;
        _listener.Start();
        _ = AnswerAsync(_stop.Token);
        Runtime = new FakeContainerRuntime(Path.Combine(Directory, "raw"));
        Secrets = new FileSecretStore(Path.Combine(Directory, "secrets"));
        Namespaces = new FakeNamespaceStore();
        Options = new FunctionPlatformOptions
        {
            HostsFile = Path.Combine(Directory, "hosts"),
            ResolvConfFile = Path.Combine(Directory, "resolv.conf"),
            FunctionPort = ((IPEndPoint)_listener.LocalEndpoint).Port,
            ReadinessTimeout = readinessTimeout ?? TimeSpan.FromSeconds(5),
            StopGracePeriod = TimeSpan.Zero,
        };
        Platform = Build(out var registry, out var catalog);
        Registry = registry;
        Catalog = catalog;
    }

    public string Directory { get; }
    public FakeContainerRuntime Runtime { get; }
    public FileSecretStore Secrets { get; }
    public FakeNamespaceStore Namespaces { get; }
    public FunctionPlatformOptions Options { get; }
    public FunctionPlatform Platform { get; private set; }
    public FunctionRegistry Registry { get; private set; }
    public FunctionCatalog Catalog { get; private set; }
    public ScaleToZeroOptions ScaleOptions { get; } = new();
    public string Destination => $"http://127.0.0.1:{Options.FunctionPort}";

    public void StopListening() => _listener.Stop();

    /// <summary>A fresh platform over the same "containerd", as after a daemon restart, recovered.</summary>
    public async Task<FunctionRecovery.RecoverySummary> RestartAsync()
    {
        Platform = Build(out var registry, out var catalog);
        Registry = registry;
        Catalog = catalog;
        var recovery = new FunctionRecovery(Runtime, Platform, Catalog, Registry, Namespaces, ScaleOptions, Options, NullLogger<FunctionRecovery>.Instance);
        return await recovery.RecoverAsync(CancellationToken.None);
    }

    public static FunctionSpec Spec(string name, string image = "127.0.0.1:5000/echo:latest", string ns = "openfaas-fn") =>
        new() { Name = name, Namespace = ns, Image = image };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _stop.Dispose();
        _listener.Stop();
        System.IO.Directory.Delete(Directory, recursive: true);
        await Task.CompletedTask;
    }

    private async Task AnswerAsync(CancellationToken cancellationToken)
    {
        var answer = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(cancellationToken);
                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        try
                        {
                            var stream = client.GetStream();
                            var buffer = new byte[4096];
                            if (await stream.ReadAsync(buffer, cancellationToken) > 0)
                            {
                                await stream.WriteAsync(answer, cancellationToken);
                            }
                        }
                        catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
                        {
                        }
                    }
                }, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private FunctionPlatform Build(out FunctionRegistry registry, out FunctionCatalog catalog)
    {
        catalog = new FunctionCatalog();
        var lifecycle = new RuntimeFunctionLifecycle(Runtime, catalog, Options);
        registry = new FunctionRegistry(lifecycle, ScaleOptions, TimeProvider.System, NullLoggerFactory.Instance);
        var logOptions = new LogStoreOptions { Directory = Path.Combine(Directory, "logs") };
        var logs = new FunctionLogStore(logOptions, TimeProvider.System);
        var pump = new LogPump(logs, [], logOptions, TimeProvider.System, NullLogger<LogPump>.Instance);
        var platform = new FunctionPlatform(Runtime, catalog, registry, new ContainerSpecFactory(Options, Secrets), Namespaces, logs, pump,
            ScaleOptions, Options, TimeProvider.System, NullLogger<FunctionPlatform>.Instance);
        lifecycle.Attach(platform);
        return platform;
    }
}

internal sealed class FakeNamespaceStore : INamespaceStore
{
    public HashSet<string> Valid { get; } = ["openfaas-fn", "team-a"];

    public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>([.. Valid.Order()]);

    public Task<FunctionNamespace?> GetAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(Valid.Contains(name) ? new FunctionNamespace(name, new Dictionary<string, string> { ["openfaas"] = "1" }, new Dictionary<string, string>()) : null);

    public Task CreateAsync(FunctionNamespace ns, CancellationToken cancellationToken) => Task.FromResult(Valid.Add(ns.Name));

    public Task UpdateAsync(FunctionNamespace ns, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task DeleteAsync(string name, CancellationToken cancellationToken) => Task.FromResult(Valid.Remove(name));

    public Task<bool> IsValidAsync(string name, CancellationToken cancellationToken) => Task.FromResult(Valid.Contains(name));
}
