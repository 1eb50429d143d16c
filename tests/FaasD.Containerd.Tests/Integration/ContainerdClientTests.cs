using FaasD.Containerd.Api.Containers;
using FaasD.Containerd.Api.Namespaces;
using FaasD.Containerd.Errors;
using FaasD.Containerd.Tests.Integration.Support;
using Google.Protobuf.WellKnownTypes;
using NUnit.Framework;

namespace FaasD.Containerd.Tests.Integration;

public sealed class ContainerdClientTests : ContainerdTestBase
{
    [Test]
    public async Task VersionAnswers()
    {
        var version = await Client.Global.Version.VersionAsync(new Empty(), cancellationToken: Cancellation);

        Assert.That(version.Version, Does.Match(@"^v?\d+\.\d+"));
    }

    [Test]
    public void MissingContainerIsNotFound()
    {
        var thrown = Assert.ThrowsAsync<ContainerdException>(async () =>
            await Scope.Containers.GetAsync(new GetContainerRequest { Id = "no-such-container" }, cancellationToken: Cancellation));

        Assert.Multiple(() =>
        {
            Assert.That(thrown.Kind, Is.EqualTo(ContainerdErrorKind.NotFound));
            Assert.That(thrown.Operation, Is.EqualTo("Containers.Get"));
            Assert.That(thrown.Message, Does.Contain(TestNamespace));
        });
    }

    [Test]
    public void NamespacedCallWithoutNamespaceIsFailedPrecondition()
    {
        // containerd refuses namespaced services without the header; proves the header is what scopes a call.
        var thrown = Assert.ThrowsAsync<ContainerdException>(async () =>
            await Client.Global.Containers.ListAsync(new ListContainersRequest(), cancellationToken: Cancellation));

        Assert.That(thrown.Kind, Is.EqualTo(ContainerdErrorKind.FailedPrecondition));
    }

    [Test]
    public async Task NamespaceLabelsCanBeCreatedListedUpdatedAndTheNamespaceDeleted()
    {
        var name = TestNamespaces.NewName();
        var namespaces = Client.Namespace(name).Namespaces;
        var create = new CreateNamespaceRequest { Namespace = new Namespace { Name = name } };
        create.Namespace.Labels.Add(TestNamespaces.OwnerLabels());
        create.Namespace.Labels["openfaas"] = "true";
        try
        {
            await namespaces.CreateAsync(create, cancellationToken: Cancellation);

            var listed = await namespaces.ListAsync(new ListNamespacesRequest(), cancellationToken: Cancellation);
            var mine = listed.Namespaces.Single(ns => ns.Name == name);
            Assert.That(mine.Labels["openfaas"], Is.EqualTo("true"));

            var update = new UpdateNamespaceRequest { Namespace = new Namespace { Name = name }, UpdateMask = new FieldMask() };
            update.Namespace.Labels["openfaas"] = "false";
            update.UpdateMask.Paths.Add("labels.openfaas");
            await namespaces.UpdateAsync(update, cancellationToken: Cancellation);

            var updated = await namespaces.GetAsync(new GetNamespaceRequest { Name = name }, cancellationToken: Cancellation);
            Assert.Multiple(() =>
            {
                Assert.That(updated.Namespace.Labels["openfaas"], Is.EqualTo("false"));
                Assert.That(updated.Namespace.Labels, Does.ContainKey("faasd.test/owner"), "a masked update leaves other labels alone");
            });

            await namespaces.DeleteAsync(new DeleteNamespaceRequest { Name = name }, cancellationToken: Cancellation);

            // Get answers empty labels for any name, so absence shows only in List (and in a second delete).
            var after = await namespaces.ListAsync(new ListNamespacesRequest(), cancellationToken: Cancellation);
            var again = Assert.ThrowsAsync<ContainerdException>(async () =>
                await namespaces.DeleteAsync(new DeleteNamespaceRequest { Name = name }, cancellationToken: Cancellation));
            Assert.Multiple(() =>
            {
                Assert.That(after.Namespaces.Select(ns => ns.Name), Does.Not.Contain(name));
                Assert.That(again!.Kind, Is.EqualTo(ContainerdErrorKind.NotFound));
            });
        }
        finally
        {
            await TestNamespaces.DeleteAsync(Client, name, CancellationToken.None);
        }
    }

    [Test]
    public void CreatingAnExistingNamespaceIsAlreadyExists()
    {
        var thrown = Assert.ThrowsAsync<ContainerdException>(async () =>
            await Scope.Namespaces.CreateAsync(
                new CreateNamespaceRequest { Namespace = new Namespace { Name = TestNamespace } }, cancellationToken: Cancellation));

        Assert.That(thrown.Kind, Is.EqualTo(ContainerdErrorKind.AlreadyExists));
    }
}
