using System.Text;
using FaasD.Containerd.Api.Containers;
using FaasD.Containerd.Api.Images;
using FaasD.Containerd.Api.Tasks;
using FaasD.Containerd.Api.Types;
using FaasD.Containerd.Errors;
using FaasD.Containerd.Specs;
using FaasD.Containerd.Tests.Integration.Support;
using FaasD.TestSupport;
using Google.Protobuf.WellKnownTypes;
using NUnit.Framework;

namespace FaasD.Containerd.Tests.Integration;

public sealed class ContainersAndImagesTests : ContainerdTestBase
{
    private const string SpecJson = """{"ociVersion":"1.0.2","process":{"args":["true"],"cwd":"/"},"root":{"path":"rootfs"}}""";

    [Test]
    public async Task ContainerRecordKeepsSpecLabelsAndRuntime()
    {
        var id = $"fn-{TestEnvironment.UniqueSuffix()}";
        var container = new Container
        {
            Id = id,
            Image = "docker.io/functions/figlet:latest",
            Runtime = new Container.Types.Runtime { Name = "io.containerd.runc.v2" },
            Spec = OciSpecAny.PackSpec(Encoding.UTF8.GetBytes(SpecJson)),
            Labels = { ["faasd.test/kind"] = "function" },
        };
        await Scope.Containers.CreateAsync(new CreateContainerRequest { Container = container }, cancellationToken: Cancellation);

        var update = new UpdateContainerRequest
        {
            Container = new Container { Id = id, Labels = { ["faasd.test/scale"] = "1" } },
            UpdateMask = new FieldMask { Paths = { "labels.faasd.test/scale" } },
        };
        await Scope.Containers.UpdateAsync(update, cancellationToken: Cancellation);

        var read = (await Scope.Containers.GetAsync(new GetContainerRequest { Id = id }, cancellationToken: Cancellation)).Container;
        var listed = await Scope.Containers.ListAsync(
            new ListContainersRequest { Filters = { "labels.\"faasd.test/kind\"==function" } }, cancellationToken: Cancellation);
        var noTask = Assert.ThrowsAsync<ContainerdException>(async () =>
            await Scope.Tasks.GetAsync(new GetRequest { ContainerId = id }, cancellationToken: Cancellation));
        await Scope.Containers.DeleteAsync(new DeleteContainerRequest { Id = id }, cancellationToken: Cancellation);

        Assert.Multiple(() =>
        {
            Assert.That(read.Spec.TypeUrl, Is.EqualTo(OciSpecAny.SpecTypeUrl));
            Assert.That(OciSpecAny.UnpackJsonString(read.Spec, OciSpecAny.SpecTypeUrl), Is.EqualTo(SpecJson));
            Assert.That(read.Runtime.Name, Is.EqualTo("io.containerd.runc.v2"));
            Assert.That(read.Labels["faasd.test/kind"], Is.EqualTo("function"));
            Assert.That(read.Labels["faasd.test/scale"], Is.EqualTo("1"));
            Assert.That(read.CreatedAt.ToDateTimeOffset(), Is.GreaterThan(DateTimeOffset.UtcNow.AddMinutes(-5)));
            Assert.That(listed.Containers.Select(c => c.Id), Is.EqualTo(new[] { id }));
            Assert.That(noTask!.Kind, Is.EqualTo(ContainerdErrorKind.NotFound));
        });
    }

    [Test]
    public async Task ImageRecordPointsAtItsTargetDescriptor()
    {
        var name = $"127.0.0.1:5000/faasd-test/image:{TestEnvironment.UniqueSuffix()}";
        var target = new ContentDescriptor
        {
            MediaType = "application/vnd.oci.image.manifest.v1+json",
            Digest = "sha256:" + new string('a', 64),
            Size = 1234,
            Annotations = { ["org.opencontainers.image.ref.name"] = "test" },
        };
        await Scope.Images.CreateAsync(new CreateImageRequest { Image = new Image { Name = name, Target = target } }, cancellationToken: Cancellation);

        var read = (await Scope.Images.GetAsync(new GetImageRequest { Name = name }, cancellationToken: Cancellation)).Image;
        await Scope.Images.DeleteAsync(new DeleteImageRequest { Name = name, Sync = true }, cancellationToken: Cancellation);
        var gone = Assert.ThrowsAsync<ContainerdException>(async () =>
            await Scope.Images.GetAsync(new GetImageRequest { Name = name }, cancellationToken: Cancellation));

        Assert.Multiple(() =>
        {
            Assert.That(read.Target, Is.EqualTo(target));
            Assert.That(gone!.Kind, Is.EqualTo(ContainerdErrorKind.NotFound));
        });
    }
}
