using FaasD.Containerd;
using FaasD.Containerd.Errors;
using FaasD.Network;
using FaasD.Runtime.Lifecycle;
using FaasD.Images;
using FaasD.TestSupport;
using FaasD.TestSupport.Images;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ImagesApi = FaasD.Containerd.Api.Images;
using NamespacesApi = FaasD.Containerd.Api.Namespaces;

namespace FaasD.Runtime.Tests.Lifecycle;

/// <summary>
/// A real runtime for integration tests: its own containerd namespace, its own CNI state and IP range on
/// the test bridge, its own log and cgroup directories; <see cref="DisposeAsync"/> removes all of it.
/// </summary>
internal sealed class RuntimeTestHost : IAsyncDisposable
{
    private readonly string _stateRoot;
    private readonly ServiceProvider _layers;

    private RuntimeTestHost(string suffix)
    {
        Suffix = suffix;
        Namespace = $"faasd-test-{suffix}";
        _stateRoot = $"/var/run/faasd-test-{suffix}";
        NetworkName = $"faasd-runtime-test-{suffix}";
        IpamDirectory = Path.Combine(_stateRoot, "ipam");
        Options = new RuntimeOptions
        {
            LogDirectory = Path.Combine(_stateRoot, "logs"),
            OwnedCopiesDirectory = Path.Combine(_stateRoot, "secrets", ".containers"),
            CgroupParent = $"/faasd-test-{suffix}",
        };
        // The layers below the runtime, wired through their own Add… methods as the daemon wires them.
        _layers = new ServiceCollection()
            .AddContainerdClient(TestEnvironment.ContainerdSocket)
            .AddContainerNetwork(o =>
            {
                o.ConfigListJson = ConfigList();
                o.StateDirectory = Path.Combine(_stateRoot, "network");
            })
            .AddImageService()
            .BuildServiceProvider();
        Containerd = _layers.GetRequiredService<ContainerdClient>();
        Network = _layers.GetRequiredService<INetworkManager>();
        Images = _layers.GetRequiredService<IImageService>();
        Runtime = new ContainerRuntime(Containerd, Network, Images, Microsoft.Extensions.Options.Options.Create(Options), NullLoggerFactory.Instance);
    }

    public string Suffix { get; }

    public string Namespace { get; }

    public string NetworkName { get; }

    /// <summary>host-local keeps one file per leased address here, under the network's name.</summary>
    public string IpamDirectory { get; }

    public RuntimeOptions Options { get; }

    public ContainerdClient Containerd { get; }

    public INetworkManager Network { get; }

    public IImageService Images { get; }

    /// <summary>The busybox httpd test image (<see cref="BusyboxHttpd"/>), once <see cref="PullTestImageAsync"/> ran.</summary>
    public string Image { get; private set; } = "";

    public ContainerRuntime Runtime { get; }

    public ContainerdScope Scope => Containerd.Namespace(Namespace);

    public static RuntimeTestHost Create()
    {
        TestEnvironment.RequireContainerd();
        return new RuntimeTestHost(TestEnvironment.UniqueSuffix());
    }

    /// <summary>Builds and pushes the busybox httpd image to the test registry (once per test run) and pulls it here.</summary>
    public async Task<string> PullTestImageAsync(CancellationToken cancellationToken)
    {
        Image = (await TestImages.BusyboxHttpdAsync(cancellationToken)).Reference;
        await Runtime.EnsureImageAsync(Namespace, Image, cancellationToken);
        return Image;
    }

    public ContainerSpec SpecFor(string id) => new() { Namespace = Namespace, Id = id, Image = Image };

    public string NetworkIdOf(string id) => ContainerNames.NetworkId(Namespace, id);

    public string NetnsPathOf(string id) => Network.NetnsPathFor(NetworkIdOf(id));

    public string CgroupsPathOf(string id) => ContainerNames.CgroupsPath(Options.CgroupParent, Namespace, id);

    /// <summary>Removes everything the test made; every step runs even when one fails, and failures fail the test.</summary>
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var token = timeout.Token;
        var failures = new List<Exception>();

        async Task StepAsync(Func<Task> step)
        {
            try
            {
                await step();
            }
            catch (ContainerdException exception) when (exception.Kind == ContainerdErrorKind.NotFound)
            {
                // Never made (the namespace of a test that created nothing) or already gone.
            }
            catch (Exception exception)
            {
                failures.Add(exception);
            }
        }

        await StepAsync(async () =>
        {
            foreach (var container in await Runtime.ListContainersAsync(Namespace, token))
            {
                await StepAsync(() => Runtime.DeleteContainerAsync(Namespace, container.Id, token));
            }
        });
        await StepAsync(async () =>
        {
            var images = await Scope.Images.ListAsync(new ImagesApi.ListImagesRequest(), cancellationToken: token);
            foreach (var image in images.Images)
            {
                // Sync: the collector removes the image's content and snapshots before this returns.
                await Scope.Images.DeleteAsync(new ImagesApi.DeleteImageRequest { Name = image.Name, Sync = true }, cancellationToken: token);
            }
        });
        await StepAsync(async () => await Scope.Namespaces.DeleteAsync(new NamespacesApi.DeleteNamespaceRequest { Name = Namespace }, cancellationToken: token));
        await StepAsync(RemoveCgroupParentsAsync);
        await StepAsync(() =>
        {
            if (Directory.Exists(_stateRoot))
            {
                Directory.Delete(_stateRoot, recursive: true);
            }

            return Task.CompletedTask;
        });
        await _layers.DisposeAsync();

        if (failures.Count > 0)
        {
            throw new AggregateException($"clean-up of test namespace {Namespace} failed", failures);
        }
    }

    /// <summary>
    /// runc removes each container's cgroup, but not the parents it created under our per-test cgroup parent.
    /// A cgroup directory can only be removed empty and once the kernel has let go of it, hence deepest first, with retries.
    /// </summary>
    private async Task RemoveCgroupParentsAsync()
    {
        foreach (var hierarchy in Directory.GetDirectories("/sys/fs/cgroup").Append("/sys/fs/cgroup"))
        {
            var parent = Path.Combine(hierarchy, Options.CgroupParent.TrimStart('/'));
            if (!Directory.Exists(parent))
            {
                continue;
            }

            var deepestFirst = Directory.GetDirectories(parent, "*", SearchOption.AllDirectories)
                .OrderByDescending(path => path.Length)
                .Append(parent);
            foreach (var directory in deepestFirst)
            {
                for (var attempt = 1; Directory.Exists(directory); attempt++)
                {
                    try
                    {
                        Directory.Delete(directory);
                    }
                    catch (IOException) when (attempt < 20)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(50));
                    }
                }
            }
        }
    }

    private string ConfigList()
    {
        // Our own slice of the test subnet, so parallel network tests on the same bridge never hand out our addresses.
        var prefix = string.Join('.', TestEnvironment.TestSubnet.Split('.')[..2]);
        return $$"""
            {
              "cniVersion": "0.4.0",
              "name": "{{NetworkName}}",
              "plugins": [
                {
                  "type": "bridge",
                  "bridge": "{{TestEnvironment.TestBridge}}",
                  "isGateway": true,
                  "ipMasq": false,
                  "ipam": {
                    "type": "host-local",
                    "ranges": [[{ "subnet": "{{TestEnvironment.TestSubnet}}", "rangeStart": "{{prefix}}.2.1", "rangeEnd": "{{prefix}}.2.254", "gateway": "{{prefix}}.0.1" }]],
                    "dataDir": "{{IpamDirectory}}",
                    "routes": [{ "dst": "0.0.0.0/0" }]
                  }
                }
              ]
            }
            """;
    }
}
