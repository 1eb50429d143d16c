using System.Net;
using FaasD.Compose.Tests.Fakes;
using FaasD.Containerd;
using FaasD.Images;
using FaasD.Network;
using FaasD.Runtime;
using FaasD.Runtime.Logs;
using FaasD.TestSupport;
using FaasD.TestSupport.Images;
using Microsoft.Extensions.DependencyInjection;

namespace FaasD.Compose.Tests.Integration;

/// <summary>
/// A real runtime for compose tests: services in a containerd namespace of their own, on the test bridge with a
/// slice of the test subnet, state under a private directory; <see cref="DisposeAsync"/> removes all of it.
/// </summary>
internal sealed class ComposeTestHost : IAsyncDisposable
{
    private readonly string _root;
    private readonly ServiceProvider _layers;
    private readonly ContainerdClient _containerd;
    private readonly string _cgroupParent;

    private ComposeTestHost(string suffix)
    {
        Suffix = suffix;
        Namespace = $"faasd-compose-{suffix}";
        FunctionNamespace = $"faasd-compose-fn-{suffix}";
        _root = $"/var/run/faasd-compose-test-{suffix}";
        StateDirectory = Path.Combine(_root, "state");
        Directory.CreateDirectory(StateDirectory);
        _cgroupParent = $"/faasd-compose-test-{suffix}";

        // The layers below compose, wired through their own Add… methods as the daemon wires them.
        _layers = new ServiceCollection()
            .AddContainerdClient(TestEnvironment.ContainerdSocket)
            .AddContainerNetwork(o =>
            {
                o.ConfigListJson = ConfigList($"faasd-compose-test-{suffix}", Path.Combine(_root, "ipam"));
                o.StateDirectory = Path.Combine(_root, "network");
            })
            .AddImageService()
            .AddContainerRuntime(
                o =>
                {
                    o.LogDirectory = Path.Combine(_root, "logs");
                    o.CgroupParent = _cgroupParent;
                },
                new LogStoreOptions { Directory = LogCaptureDirectory })
            .BuildServiceProvider();
        _containerd = _layers.GetRequiredService<ContainerdClient>();
        Runtime = new RecordingRuntime(_layers.GetRequiredService<IContainerRuntime>());
        Capture = _layers.GetRequiredService<ILogCapture>();
    }

    public string Suffix { get; }
    public string Namespace { get; }

    /// <summary>Where the "function-like" client container runs, as functions do in openfaas-fn.</summary>
    public string FunctionNamespace { get; }

    public string StateDirectory { get; }
    public RecordingRuntime Runtime { get; }
    public RecordingServiceLogs Logs { get; } = new();

    /// <summary>The runtime's real output capture (pump and store), for tests that read what a service printed.</summary>
    public ILogCapture Capture { get; }
    public ContainerdScope Scope => _containerd.Namespace(Namespace);
    public string Image { get; private set; } = "";

    public static async Task<ComposeTestHost> CreateAsync(CancellationToken cancellationToken)
    {
        TestEnvironment.RequireContainerd();
        var host = new ComposeTestHost(TestEnvironment.UniqueSuffix());
        host.Image = (await TestImages.BusyboxHttpdAsync(cancellationToken)).Reference;
        return host;
    }

    public ComposeOptions Options(string yaml)
    {
        File.WriteAllText(Path.Combine(StateDirectory, "docker-compose.yaml"), yaml);
        return new ComposeOptions
        {
            StateDirectory = StateDirectory,
            Namespace = Namespace,
            ExtraHosts = new Dictionary<string, IPAddress> { ["gateway"] = IPAddress.Parse(Gateway) },
            RestartInitialDelay = TimeSpan.FromMilliseconds(200),
            StopGracePeriod = TimeSpan.FromSeconds(2),
        };
    }

    public ComposeHost Compose(ComposeOptions options, ILogCapture? logs = null) =>
        ComposeHostFactory.Create(options, Runtime, logs ?? Logs, TimeProvider.System, new ProgressLoggerFactory());

    public string LogCaptureDirectory => Path.Combine(_root, "captures");

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var failures = new List<Exception>();
        foreach (var ns in new[] { Namespace, FunctionNamespace })
        {
            try
            {
                foreach (var container in await Runtime.ListContainersAsync(ns, timeout.Token))
                {
                    await Runtime.DeleteContainerAsync(ns, container.Id, timeout.Token);
                }

                await DeleteImagesAndNamespaceAsync(ns, timeout.Token);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                failures.Add(exception);
            }
        }

        RemoveCgroupParents();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        await _layers.DisposeAsync();
        if (failures.Count > 0)
        {
            throw new AggregateException("clean-up of the compose test namespaces failed", failures);
        }
    }

    /// <summary>runc removes each container's cgroup, but not the parents made for our per-test cgroup parent.</summary>
    private void RemoveCgroupParents()
    {
        foreach (var hierarchy in Directory.GetDirectories("/sys/fs/cgroup").Append("/sys/fs/cgroup"))
        {
            var parent = Path.Combine(hierarchy, _cgroupParent.TrimStart('/'));
            foreach (var directory in new[] { Path.Combine(parent, Namespace), Path.Combine(parent, FunctionNamespace), parent })
            {
                try
                {
                    if (Directory.Exists(directory))
                    {
                        Directory.Delete(directory);
                    }
                }
                catch (IOException)
                {
                    // Still has processes (a container that outlived its test); leave it rather than fail clean-up.
                }
            }
        }
    }

    private string Gateway => string.Join('.', TestEnvironment.TestSubnet.Split('.')[..2]) + ".0.1";

    private async Task DeleteImagesAndNamespaceAsync(string ns, CancellationToken cancellationToken)
    {
        var scope = _containerd.Namespace(ns);
        try
        {
            var images = await scope.Images.ListAsync(new FaasD.Containerd.Api.Images.ListImagesRequest(), cancellationToken: cancellationToken);
            foreach (var image in images.Images)
            {
                await scope.Images.DeleteAsync(new FaasD.Containerd.Api.Images.DeleteImageRequest { Name = image.Name, Sync = true }, cancellationToken: cancellationToken);
            }

            await scope.Namespaces.DeleteAsync(new FaasD.Containerd.Api.Namespaces.DeleteNamespaceRequest { Name = ns }, cancellationToken: cancellationToken);
        }
        catch (FaasD.Containerd.Errors.ContainerdException exception) when (exception.Kind == FaasD.Containerd.Errors.ContainerdErrorKind.NotFound)
        {
        }
    }

    private static string ConfigList(string name, string ipamDirectory)
    {
        // Our own slice of the test subnet (x.y.3.0/24), so other layers' tests on the same bridge never collide with us.
        var prefix = string.Join('.', TestEnvironment.TestSubnet.Split('.')[..2]);
        return $$"""
            {
              "cniVersion": "0.4.0",
              "name": "{{name}}",
              "plugins": [
                {
                  "type": "bridge",
                  "bridge": "{{TestEnvironment.TestBridge}}",
                  "isGateway": true,
                  "ipMasq": false,
                  "ipam": {
                    "type": "host-local",
                    "ranges": [[{ "subnet": "{{TestEnvironment.TestSubnet}}", "rangeStart": "{{prefix}}.3.1", "rangeEnd": "{{prefix}}.3.254", "gateway": "{{prefix}}.0.1" }]],
                    "dataDir": "{{ipamDirectory}}",
                    "routes": [{ "dst": "0.0.0.0/0" }]
                  }
                }
              ]
            }
            """;
    }
}
