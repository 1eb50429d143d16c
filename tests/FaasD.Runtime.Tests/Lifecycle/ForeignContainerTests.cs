using FaasD.Containerd.Specs;
using FaasD.TestSupport;
using NUnit.Framework;
using ContainersApi = FaasD.Containerd.Api.Containers;

namespace FaasD.Runtime.Tests.Lifecycle;

/// <summary>Issue 11 item 2: the runtime never stops or deletes a container FaasD did not create.</summary>
[Integration]
public sealed class ForeignContainerTests
{
    [Test]
    public async Task A_container_without_FaasDs_labels_is_neither_stopped_nor_deleted_and_ours_carry_the_marker()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var ct = timeout.Token;
        await using var host = RuntimeTestHost.Create();
        await host.PullTestImageAsync(ct);

        // Someone else's container (ctr run, nerdctl, a compose database) in a namespace FaasD also uses.
        var foreign = new ContainersApi.Container
        {
            Id = "their-db",
            Image = host.Image,
            Runtime = new ContainersApi.Container.Types.Runtime { Name = host.Options.Runtime },
            Spec = OciSpecAny.PackSpec("{}"u8),
            Labels = { ["owner"] = "someone-else" },
        };
        await host.Scope.Containers.CreateAsync(new ContainersApi.CreateContainerRequest { Container = foreign }, cancellationToken: ct);
        try
        {
            var stop = Assert.ThrowsAsync<RuntimeException>(() => host.Runtime.StopTaskAsync(host.Namespace, "their-db", TimeSpan.Zero, ct));
            var delete = Assert.ThrowsAsync<RuntimeException>(() => host.Runtime.DeleteContainerAsync(host.Namespace, "their-db", ct));
            Assert.That(stop!.Kind, Is.EqualTo(RuntimeErrorKind.FailedPrecondition));
            Assert.That(delete!.Kind, Is.EqualTo(RuntimeErrorKind.FailedPrecondition));
            Assert.That(delete.Message, Does.Contain("not created by FaasD"));
            Assert.That(await host.Runtime.GetContainerAsync(host.Namespace, "their-db", ct), Is.Not.Null, "still there");

            await host.Runtime.CreateContainerAsync(host.SpecFor("ours"), ct);
            var ours = await host.Runtime.GetContainerAsync(host.Namespace, "ours", ct);
            Assert.That(ours!.Labels, Does.ContainKey(RuntimeLabels.Managed));
            await host.Runtime.DeleteContainerAsync(host.Namespace, "ours", ct);
            Assert.That(await host.Runtime.GetContainerAsync(host.Namespace, "ours", ct), Is.Null, "ours is deleted as before");
        }
        finally
        {
            await host.Scope.Containers.DeleteAsync(new ContainersApi.DeleteContainerRequest { Id = "their-db" }, cancellationToken: CancellationToken.None);
        }
    }
}
