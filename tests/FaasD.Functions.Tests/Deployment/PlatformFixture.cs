using System.Net;
using System.Net.Sockets;
using FaasD.Functions.Abstractions;
using FaasD.Functions.Deployment;
using FaasD.Functions.Scaling;
using FaasD.Functions.Secrets;
using FaasD.Functions.Waking;
using FaasD.Runtime;
using FaasD.Runtime.Logs;
using Microsoft.Extensions.DependencyInjection;
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
    private readonly ServiceProvider _capture;

    public PlatformFixture(TimeSpan? readinessTimeout = null)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("faasd-platform-").FullName;
        _listener.Start();
        _ = AnswerAsync(_stop.Token);
        Runtime = new FakeContainerRuntime(Path.Combine(Directory, "raw"));
        Secrets = new FileSecretStore(Path.Combine(Directory, "secrets"));
        Namespaces = new FakeNamespaceStore();

        // The runtime's real output capture over the fake runtime's log directory, as AddContainerRuntime wires it.
        _capture = new ServiceCollection()
            .AddSingleton<IContainerRuntime>(Runtime)
            .AddContainerRuntime(o => o.LogDirectory = Path.Combine(Directory, "raw"), new LogStoreOptions { Directory = Path.Combine(Directory, "logs") })
            .BuildServiceProvider();
        Logs = _capture.GetRequiredService<ILogCapture>();
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
    public ILogCapture Logs { get; }
    public FunctionPlatformOptions Options { get; }
    public FunctionPlatform Platform { get; private set; }
    public FunctionRegistry Registry { get; private set; }
    public FunctionCatalog Catalog { get; private set; }
    public TaskStarter Starter { get; private set; } = null!;
    public ScaleToZeroOptions ScaleOptions { get; } = new();

    /// <summary>What the platform's <see cref="IFunctionSpecValidator"/> answers (null: accept).</summary>
    public Func<FunctionSpec, string?> Validate { get; set; } = _ => null;

    /// <summary>Every change the platform announced to its <see cref="IFunctionChangeObserver"/>s.</summary>
    public List<FunctionChange> Changes { get; } = [];
    public string Destination => $"http://127.0.0.1:{Options.FunctionPort}";

    public void StopListening() => _listener.Stop();

    /// <summary>A fresh platform over the same "containerd", as after a daemon restart, recovered.</summary>
    public async Task<RecoverySummary> RestartAsync()
    {
        Platform = Build(out var registry, out var catalog);
        Registry = registry;
        Catalog = catalog;
        var recovery = new FunctionRecovery(Runtime, Platform, Starter, Catalog, Registry, Namespaces, ScaleOptions, Options, NullLogger<FunctionRecovery>.Instance);
        return await recovery.RecoverAsync(CancellationToken.None);
    }

    public static FunctionSpec Spec(string name, string image = "127.0.0.1:5000/echo:latest", string ns = "openfaas-fn") =>
        new() { Name = name, Namespace = ns, Image = image };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _stop.Dispose();
        _listener.Stop();
        await _capture.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
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
        Starter = new TaskStarter(Runtime, Logs, catalog, Options, TimeProvider.System, NullLogger<TaskStarter>.Instance);
        var lifecycle = new RuntimeFunctionLifecycle(Runtime, Starter, catalog, Options);
        registry = new FunctionRegistry(lifecycle, ScaleOptions, TimeProvider.System, NullLoggerFactory.Instance);
        return new FunctionPlatform(Runtime, catalog, registry, new ContainerSpecFactory(Options, Secrets), Namespaces, Logs, Starter,
            ScaleOptions, Options, TimeProvider.System, NullLogger<FunctionPlatform>.Instance,
            [new HookValidator(this)], [new HookObserver(this)]);
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

internal sealed class HookValidator(PlatformFixture fixture) : IFunctionSpecValidator
{
    public string? Validate(FunctionSpec spec) => fixture.Validate(spec);
}

internal sealed class HookObserver(PlatformFixture fixture) : IFunctionChangeObserver
{
    public void OnFunctionChanged(FunctionChange change)
    {
        lock (fixture.Changes)
        {
            fixture.Changes.Add(change);
        }
    }
}
