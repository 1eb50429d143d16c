using FaasD.Containerd.Errors;
using FaasD.Images;
using FaasD.Network;
using FaasD.Runtime.Lifecycle;
using NUnit.Framework;

namespace FaasD.Runtime.Tests.Lifecycle;

public sealed class RuntimeErrorsTests
{
    [TestCase(ContainerdErrorKind.NotFound, RuntimeErrorKind.NotFound)]
    [TestCase(ContainerdErrorKind.AlreadyExists, RuntimeErrorKind.AlreadyExists)]
    [TestCase(ContainerdErrorKind.FailedPrecondition, RuntimeErrorKind.FailedPrecondition)]
    [TestCase(ContainerdErrorKind.InvalidArgument, RuntimeErrorKind.InvalidArgument)]
    [TestCase(ContainerdErrorKind.Unavailable, RuntimeErrorKind.Unavailable)]
    [TestCase(ContainerdErrorKind.DeadlineExceeded, RuntimeErrorKind.Unavailable)]
    [TestCase(ContainerdErrorKind.NotImplemented, RuntimeErrorKind.Internal)]
    [TestCase(ContainerdErrorKind.Internal, RuntimeErrorKind.Internal)]
    public void Containerd_kinds_map_to_runtime_kinds(ContainerdErrorKind containerd, RuntimeErrorKind runtime)
    {
        Assert.That(RuntimeErrors.KindOf(containerd), Is.EqualTo(runtime));
    }

    [TestCase(ImagePullErrorKind.NotFound, RuntimeErrorKind.NotFound)]
    [TestCase(ImagePullErrorKind.InvalidReference, RuntimeErrorKind.InvalidArgument)]
    [TestCase(ImagePullErrorKind.Unauthorized, RuntimeErrorKind.FailedPrecondition)]
    [TestCase(ImagePullErrorKind.Unavailable, RuntimeErrorKind.Unavailable)]
    [TestCase(ImagePullErrorKind.Corrupt, RuntimeErrorKind.Internal)]
    public void Image_pull_kinds_map_to_runtime_kinds(ImagePullErrorKind pull, RuntimeErrorKind runtime)
    {
        Assert.That(ImageServiceSource.KindOf(pull), Is.EqualTo(runtime));
    }

    [Test]
    public void Lower_layer_exceptions_leave_an_operation_as_runtime_exceptions_with_the_cause_inside()
    {
        var containerd = new ContainerdException(ContainerdErrorKind.NotFound, "Containers.Get", "no such container");
        var network = new NetworkException("CNI ADD failed");

        var fromContainerd = Assert.ThrowsAsync<RuntimeException>(() => RuntimeErrors.TranslateAsync(() => Task.FromException(containerd)));
        var fromNetwork = Assert.ThrowsAsync<RuntimeException>(() => RuntimeErrors.TranslateAsync(() => Task.FromException(network)));

        Assert.Multiple(() =>
        {
            Assert.That(fromContainerd!.Kind, Is.EqualTo(RuntimeErrorKind.NotFound));
            Assert.That(fromContainerd.InnerException, Is.SameAs(containerd));
            Assert.That(fromNetwork!.Kind, Is.EqualTo(RuntimeErrorKind.Internal));
            Assert.That(fromNetwork.InnerException, Is.SameAs(network));
        });
    }
}
