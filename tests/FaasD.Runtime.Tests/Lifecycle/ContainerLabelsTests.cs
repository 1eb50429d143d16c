using FaasD.TestSupport;
using NUnit.Framework;

namespace FaasD.Runtime.Tests.Lifecycle;

/// <summary>SetContainerLabelsAsync on the real containerd: the named labels change, nothing else does.</summary>
[Integration]
public sealed class ContainerLabelsTests
{
    [Test]
    public async Task Labels_are_added_and_replaced_keeping_the_others_and_the_payload()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var ct = timeout.Token;
        await using var host = RuntimeTestHost.Create();
        await host.PullTestImageAsync(ct);
        var payload = new byte[] { 1, 2, 3, 4 };
        await host.Runtime.CreateContainerAsync(host.SpecFor("labelled") with
        {
            Labels = new Dictionary<string, string> { ["io.faasd.function"] = "labelled", ["keep"] = "me", ["change"] = "old" },
            Payload = payload,
        }, ct);

        await host.Runtime.SetContainerLabelsAsync(host.Namespace, "labelled", new Dictionary<string, string> { ["change"] = "new", ["io.faasd.removing"] = "true" }, ct);

        var record = await host.Runtime.GetContainerAsync(host.Namespace, "labelled", ct);
        Assert.Multiple(() =>
        {
            Assert.That(record!.Labels["change"], Is.EqualTo("new"));
            Assert.That(record.Labels["io.faasd.removing"], Is.EqualTo("true"));
            Assert.That(record.Labels["keep"], Is.EqualTo("me"));
            Assert.That(record.Labels["io.faasd.function"], Is.EqualTo("labelled"));
            Assert.That(record.Payload.ToArray(), Is.EqualTo(payload), "the extension holding the deployment is untouched");
            Assert.That(record.Image, Is.EqualTo(host.Image));
        });
    }

    [Test]
    public async Task A_missing_container_is_NotFound()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await using var host = RuntimeTestHost.Create();
        await host.Runtime.EnsureNamespaceAsync(host.Namespace, new Dictionary<string, string>(), timeout.Token);

        var error = Assert.ThrowsAsync<RuntimeException>(() =>
            host.Runtime.SetContainerLabelsAsync(host.Namespace, "absent", new Dictionary<string, string> { ["a"] = "b" }, timeout.Token));
        Assert.That(error!.Kind, Is.EqualTo(RuntimeErrorKind.NotFound));
    }
}
