using FaasD.TestSupport;
using NUnit.Framework;

namespace FaasD.Runtime.Tests.Lifecycle;

/// <summary>Namespaces through the runtime, the one place they are created, labelled and deleted, on real containerd.</summary>
[Integration]
[NonParallelizable]
public sealed class ContainerRuntimeNamespaceTests
{
    [Test]
    public async Task Ensure_adds_labels_replace_sets_them_and_delete_refuses_a_namespace_in_use()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var ct = timeout.Token;
        await using var host = RuntimeTestHost.Create();
        var runtime = host.Runtime;
        var ns = host.Namespace;

        await runtime.EnsureNamespaceAsync(ns, new Dictionary<string, string> { ["a"] = "1" }, ct);
        await runtime.EnsureNamespaceAsync(ns, new Dictionary<string, string> { ["b"] = "2" }, ct);
        var ensured = (await runtime.ListNamespacesAsync(ct)).Single(n => n.Name == ns).Labels;

        await runtime.ReplaceNamespaceLabelsAsync(ns, new Dictionary<string, string> { ["c"] = "3" }, ct);
        var replaced = (await runtime.ListNamespacesAsync(ct)).Single(n => n.Name == ns).Labels;

        await host.PullTestImageAsync(ct);
        await runtime.CreateContainerAsync(host.SpecFor("held"), ct);
        var refused = Assert.ThrowsAsync<RuntimeException>(() => runtime.DeleteNamespaceAsync(ns, ct));

        Assert.Multiple(async () =>
        {
            Assert.That(ensured, Is.EqualTo(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }));
            Assert.That(replaced, Is.EqualTo(new Dictionary<string, string> { ["c"] = "3" }));
            Assert.That(refused!.Kind, Is.EqualTo(RuntimeErrorKind.FailedPrecondition));
            Assert.That(await runtime.GetVersionAsync(ct), Is.Not.Empty);
        });
    }

    [Test]
    public async Task Delete_of_an_empty_namespace_removes_it_and_a_second_delete_is_a_no_op()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var ct = timeout.Token;
        await using var host = RuntimeTestHost.Create();
        var ns = host.Namespace + "-empty";

        await host.Runtime.EnsureNamespaceAsync(ns, new Dictionary<string, string>(), ct);
        await host.Runtime.DeleteNamespaceAsync(ns, ct);
        await host.Runtime.DeleteNamespaceAsync(ns, ct);

        Assert.That((await host.Runtime.ListNamespacesAsync(ct)).Select(n => n.Name), Does.Not.Contain(ns));
    }
}
