using FaasD.Containerd.Errors;
using Grpc.Core;
using NUnit.Framework;

namespace FaasD.Containerd.Tests.Errors;

public sealed class ContainerdErrorsTests
{
    [TestCase(StatusCode.NotFound, ContainerdErrorKind.NotFound)]
    [TestCase(StatusCode.AlreadyExists, ContainerdErrorKind.AlreadyExists)]
    [TestCase(StatusCode.FailedPrecondition, ContainerdErrorKind.FailedPrecondition)]
    [TestCase(StatusCode.Unavailable, ContainerdErrorKind.Unavailable)]
    [TestCase(StatusCode.InvalidArgument, ContainerdErrorKind.InvalidArgument)]
    [TestCase(StatusCode.Unimplemented, ContainerdErrorKind.NotImplemented)]
    [TestCase(StatusCode.Cancelled, ContainerdErrorKind.Cancelled)]
    [TestCase(StatusCode.DeadlineExceeded, ContainerdErrorKind.DeadlineExceeded)]
    [TestCase(StatusCode.Internal, ContainerdErrorKind.Internal)]
    [TestCase(StatusCode.Unknown, ContainerdErrorKind.Internal)]
    [TestCase(StatusCode.OutOfRange, ContainerdErrorKind.Internal)]
    [TestCase(StatusCode.DataLoss, ContainerdErrorKind.Internal)]
    [TestCase(StatusCode.ResourceExhausted, ContainerdErrorKind.Internal)]
    [TestCase(StatusCode.PermissionDenied, ContainerdErrorKind.Internal)]
    [TestCase(StatusCode.Unauthenticated, ContainerdErrorKind.Internal)]
    [TestCase(StatusCode.Aborted, ContainerdErrorKind.Internal)]
    public void EachStatusCodeMapsToOneKind(StatusCode code, ContainerdErrorKind expected)
    {
        var translated = ContainerdErrors.Translate(new RpcException(new Status(code, "boom")), "Containers.Get", "openfaas-fn");

        Assert.That(translated.Kind, Is.EqualTo(expected));
    }

    [Test]
    public void EveryStatusCodeIsCovered()
    {
        // A new gRPC status code must land somewhere deliberate, never throw.
        foreach (var code in Enum.GetValues<StatusCode>().Where(code => code != StatusCode.OK))
        {
            Assert.That(Enum.IsDefined(ContainerdErrors.KindOf(code)), Is.True, code.ToString());
        }
    }

    [Test]
    public void MessageNamesOperationNamespaceAndDaemonDetail()
    {
        var translated = ContainerdErrors.Translate(
            new RpcException(new Status(StatusCode.NotFound, "container \"figlet\" in namespace \"openfaas-fn\": not found")),
            "Containers.Get",
            "openfaas-fn");

        Assert.Multiple(() =>
        {
            Assert.That(translated.Operation, Is.EqualTo("Containers.Get"));
            Assert.That(translated.Message, Does.Contain("Containers.Get"));
            Assert.That(translated.Message, Does.Contain("openfaas-fn"));
            Assert.That(translated.Message, Does.Contain("container \"figlet\""));
        });
    }

    [Test]
    public void TransportFailureKeepsItsCause()
    {
        var cause = new HttpRequestException("Connection refused (/run/containerd/containerd.sock)");
        var translated = ContainerdErrors.Translate(
            new RpcException(new Status(StatusCode.Unavailable, "Error starting gRPC call.", cause)), "Version.Version", null);

        Assert.Multiple(() =>
        {
            Assert.That(translated.Kind, Is.EqualTo(ContainerdErrorKind.Unavailable));
            Assert.That(translated.Message, Does.Contain("Connection refused"));
        });
    }

    [TestCase("containerd.services.containers.v1.Containers", "Get", "Containers.Get")]
    [TestCase("containerd.services.content.v1.Content", "Write", "Content.Write")]
    [TestCase("Plain", "Call", "Plain.Call")]
    public void OperationNameIsServiceDotMethod(string service, string method, string expected) =>
        Assert.That(ContainerdErrors.OperationName(service, method), Is.EqualTo(expected));
}
