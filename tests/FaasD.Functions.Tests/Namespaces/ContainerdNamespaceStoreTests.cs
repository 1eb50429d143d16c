using FaasD.Functions.Abstractions;
using FaasD.Functions.Namespaces;
using FaasD.Functions.Tests.Deployment;
using FaasD.Runtime;
using NUnit.Framework;

namespace FaasD.Functions.Tests.Namespaces;

/// <summary>OpenFaaS namespaces over the runtime's namespaces (the fake keeps them in memory, as containerd would).</summary>
public sealed class ContainerdNamespaceStoreTests
{
    private string _dir = null!;
    private FakeContainerRuntime _runtime = null!;
    private ContainerdNamespaceStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("faasd-ns-").FullName;
        _runtime = new FakeContainerRuntime(_dir);
        _store = new ContainerdNamespaceStore(_runtime);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static FunctionNamespace Labelled(string name, params (string Key, string Value)[] annotations) =>
        new(name, new Dictionary<string, string> { ["openfaas"] = "1" }, annotations.ToDictionary(a => a.Key, a => a.Value));

    private async Task<IReadOnlyDictionary<string, string>> LabelsOf(string name) =>
        (await _runtime.ListNamespacesAsync(CancellationToken.None)).Single(n => n.Name == name).Labels;

    [Test]
    public async Task Lists_openfaas_fn_first_then_only_labelled_namespaces_in_order()
    {
        await _runtime.EnsureNamespaceAsync("zeta", new Dictionary<string, string> { ["openfaas"] = "true" }, CancellationToken.None);
        await _runtime.EnsureNamespaceAsync("alpha", new Dictionary<string, string> { ["openfaas"] = "1" }, CancellationToken.None);
        await _runtime.EnsureNamespaceAsync("k8s.io", new Dictionary<string, string>(), CancellationToken.None);

        var names = await _store.ListAsync(CancellationToken.None);

        Assert.That(names, Is.EqualTo(new[] { "openfaas-fn", "alpha", "zeta" }));
    }

    [Test]
    public async Task Create_keeps_annotations_as_prefixed_labels_and_reads_them_back()
    {
        await _store.CreateAsync(Labelled("team-a", ("owner", "ops")), CancellationToken.None);

        var labels = await LabelsOf("team-a");
        var read = await _store.GetAsync("team-a", CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(labels["com.openfaas.annotations.owner"], Is.EqualTo("ops"));
            Assert.That(read!.Annotations, Is.EqualTo(new Dictionary<string, string> { ["owner"] = "ops" }));
            Assert.That(read.Labels, Is.EqualTo(new Dictionary<string, string> { ["openfaas"] = "1" }));
        });
    }

    [Test]
    public async Task Create_of_an_existing_openfaas_namespace_is_refused()
    {
        await _store.CreateAsync(Labelled("team-a"), CancellationToken.None);

        var thrown = Assert.ThrowsAsync<FunctionPlatformException>(() => _store.CreateAsync(Labelled("team-a"), CancellationToken.None));
        Assert.That(thrown!.Kind, Is.EqualTo(FunctionErrorKind.AlreadyExists));
    }

    [Test]
    public async Task Create_claims_an_unlabelled_namespace_by_replacing_its_labels()
    {
        await _runtime.EnsureNamespaceAsync("team-b", new Dictionary<string, string> { ["other"] = "x" }, CancellationToken.None);

        await _store.CreateAsync(Labelled("team-b"), CancellationToken.None);

        Assert.That(await LabelsOf("team-b"), Is.EqualTo(new Dictionary<string, string> { ["openfaas"] = "1" }));
    }

    [Test]
    public async Task Default_namespace_gains_the_openfaas_label_and_keeps_the_labels_it_had()
    {
        await _runtime.EnsureNamespaceAsync("openfaas-fn", new Dictionary<string, string> { ["mine"] = "yes" }, CancellationToken.None);

        await _store.EnsureDefaultNamespaceAsync(CancellationToken.None);

        Assert.That(await LabelsOf("openfaas-fn"), Is.EqualTo(new Dictionary<string, string> { ["mine"] = "yes", ["openfaas"] = "true" }));
    }

    [Test]
    public async Task Delete_of_a_namespace_with_containers_is_invalid_and_keeps_it()
    {
        await _store.CreateAsync(Labelled("team-c"), CancellationToken.None);
        await _runtime.CreateContainerAsync(new ContainerSpec { Namespace = "team-c", Id = "fn", Image = "img" }, CancellationToken.None);

        var thrown = Assert.ThrowsAsync<FunctionPlatformException>(() => _store.DeleteAsync("team-c", CancellationToken.None));
        Assert.Multiple(async () =>
        {
            Assert.That(thrown!.Kind, Is.EqualTo(FunctionErrorKind.Invalid));
            Assert.That(await _store.IsValidAsync("team-c", CancellationToken.None), Is.True);
        });
    }

    [Test]
    public async Task Delete_removes_an_empty_namespace()
    {
        await _store.CreateAsync(Labelled("team-d"), CancellationToken.None);

        await _store.DeleteAsync("team-d", CancellationToken.None);

        Assert.That(await _store.GetAsync("team-d", CancellationToken.None), Is.Null);
    }

    [Test]
    public void Runtime_failures_become_platform_failures_of_the_same_kind()
    {
        var thrown = Assert.ThrowsAsync<FunctionPlatformException>(() => _store.UpdateAsync(Labelled("missing"), CancellationToken.None));
        Assert.That(thrown!.Kind, Is.EqualTo(FunctionErrorKind.NotFound));
    }

    [TestCase("openfaas")]
    [TestCase("default")]
    public async Task Reserved_namespaces_can_never_become_function_namespaces(string name)
    {
        await _runtime.EnsureNamespaceAsync(name, new Dictionary<string, string> { ["openfaas"] = "1" }, CancellationToken.None);

        var ex = Assert.ThrowsAsync<FunctionPlatformException>(() => _store.CreateAsync(Labelled(name), CancellationToken.None));

        Assert.That(ex!.Kind, Is.EqualTo(FunctionErrorKind.Invalid));
        Assert.That(ex.Message, Does.Contain("reserved"));
        Assert.That(await _store.IsValidAsync(name, CancellationToken.None), Is.False, "even when someone labelled it");
        Assert.That(await _store.GetAsync(name, CancellationToken.None), Is.Null);
        Assert.That(await _store.ListAsync(CancellationToken.None), Does.Not.Contain(name));
    }

    [Test]
    public async Task Claiming_a_namespace_holding_someone_elses_container_is_409_until_only_faasd_containers_are_left()
    {
        await _runtime.EnsureNamespaceAsync("shared", new Dictionary<string, string>(), CancellationToken.None);
        await _runtime.CreateContainerAsync(
            new ContainerSpec { Namespace = "shared", Id = "their-db", Image = "example.invalid/db", Labels = new Dictionary<string, string> { ["owner"] = "someone-else" } },
            CancellationToken.None);

        var ex = Assert.ThrowsAsync<FunctionPlatformException>(() => _store.CreateAsync(Labelled("shared"), CancellationToken.None));

        Assert.That(ex!.Kind, Is.EqualTo(FunctionErrorKind.AlreadyExists), "409 at the gateway");
        Assert.That(ex.Message, Does.Contain("their-db"));
        Assert.That(await _store.IsValidAsync("shared", CancellationToken.None), Is.False, "not claimed");

        await _runtime.DeleteContainerAsync("shared", "their-db", CancellationToken.None);
        await _runtime.CreateContainerAsync(
            new ContainerSpec { Namespace = "shared", Id = "ours", Image = "example.invalid/fn", Labels = new Dictionary<string, string> { [RuntimeLabels.Managed] = "true" } },
            CancellationToken.None);
        await _store.CreateAsync(Labelled("shared"), CancellationToken.None);
        Assert.That(await _store.IsValidAsync("shared", CancellationToken.None), Is.True);
    }
}
