using FaasD.Containerd;
using FaasD.Containerd.Specs;
using FaasD.Functions.Abstractions;
using FaasD.Functions.Namespaces;
using FaasD.TestSupport;
using NUnit.Framework;
using ContainersApi = FaasD.Containerd.Api.Containers;
using NamespacesApi = FaasD.Containerd.Api.Namespaces;

namespace FaasD.Functions.Tests.Namespaces;

/// <summary>Issue 11 item 2: namespaces are FaasD's own.</summary>
[Integration]
public sealed class ContainerdNamespaceStoreTests
{
    private static readonly Dictionary<string, string> OpenFaaS = new() { ["openfaas"] = "1" };

    [TestCase("openfaas")]
    [TestCase("default")]
    public async Task Reserved_namespaces_can_never_become_function_namespaces(string name)
    {
        TestEnvironment.RequireContainerd();
        using var client = new ContainerdClient(new ContainerdClientOptions { SocketPath = TestEnvironment.ContainerdSocket });
        var store = new ContainerdNamespaceStore(client);

        var ex = Assert.ThrowsAsync<FunctionPlatformException>(() => store.CreateAsync(new FunctionNamespace(name, OpenFaaS, new Dictionary<string, string>()), CancellationToken.None));

        Assert.That(ex!.Kind, Is.EqualTo(FunctionErrorKind.Invalid));
        Assert.That(ex.Message, Does.Contain("reserved"));
        Assert.That(await store.IsValidAsync(name, CancellationToken.None), Is.False);
        Assert.That(await store.GetAsync(name, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task Claiming_a_namespace_holding_someone_elses_container_is_409_and_leaves_it_unlabelled()
    {
        TestEnvironment.RequireContainerd();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var ct = timeout.Token;
        using var client = new ContainerdClient(new ContainerdClientOptions { SocketPath = TestEnvironment.ContainerdSocket });
        var store = new ContainerdNamespaceStore(client);
        var name = "faasd-ns-" + TestEnvironment.UniqueSuffix();
        var scope = client.Namespace(name);
        await scope.Namespaces.CreateAsync(new NamespacesApi.CreateNamespaceRequest { Namespace = new NamespacesApi.Namespace { Name = name } }, cancellationToken: ct);
        try
        {
            await CreateContainerAsync(scope, "their-db", new() { ["owner"] = "someone-else" }, ct);

            var ex = Assert.ThrowsAsync<FunctionPlatformException>(() => store.CreateAsync(new FunctionNamespace(name, OpenFaaS, new Dictionary<string, string>()), ct));

            Assert.That(ex!.Kind, Is.EqualTo(FunctionErrorKind.AlreadyExists), "409 at the gateway");
            Assert.That(ex.Message, Does.Contain("their-db"));
            Assert.That(await store.IsValidAsync(name, ct), Is.False, "not claimed");

            // Once only FaasD's containers are left, the namespace can be claimed.
            await scope.Containers.DeleteAsync(new ContainersApi.DeleteContainerRequest { Id = "their-db" }, cancellationToken: ct);
            await CreateContainerAsync(scope, "ours", new() { [FaasD.Runtime.RuntimeLabels.Managed] = "true" }, ct);
            await store.CreateAsync(new FunctionNamespace(name, OpenFaaS, new Dictionary<string, string>()), ct);
            Assert.That(await store.IsValidAsync(name, ct), Is.True);
        }
        finally
        {
            foreach (var id in new[] { "their-db", "ours" })
            {
                try
                {
                    await scope.Containers.DeleteAsync(new ContainersApi.DeleteContainerRequest { Id = id }, cancellationToken: CancellationToken.None);
                }
                catch (FaasD.Containerd.Errors.ContainerdException)
                {
                    // not made, or already removed above
                }
            }

            await scope.Namespaces.DeleteAsync(new NamespacesApi.DeleteNamespaceRequest { Name = name }, cancellationToken: CancellationToken.None);
        }
    }

    private static Task CreateContainerAsync(ContainerdScope scope, string id, Dictionary<string, string> labels, CancellationToken ct)
    {
        var container = new ContainersApi.Container
        {
            Id = id,
            Image = "example.invalid/none:latest",
            Runtime = new ContainersApi.Container.Types.Runtime { Name = "io.containerd.runc.v2" },
            Spec = OciSpecAny.PackSpec("{}"u8),
        };
        container.Labels.Add(labels);
        return scope.Containers.CreateAsync(new ContainersApi.CreateContainerRequest { Container = container }, cancellationToken: ct).ResponseAsync;
    }
}
