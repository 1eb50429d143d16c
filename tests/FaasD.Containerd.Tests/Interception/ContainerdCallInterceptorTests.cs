using FaasD.Containerd.Api.Containers;
using WriteContentRequest = FaasD.Containerd.Api.Content.WriteContentRequest;
using FaasD.Containerd.Api.Events;
using FaasD.Containerd.Errors;
using FaasD.Containerd.Interception;
using FaasD.Containerd.Tests.Fakes;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using NUnit.Framework;
using VersionApi = FaasD.Containerd.Api.Version;

namespace FaasD.Containerd.Tests.Interception;

public sealed class ContainerdCallInterceptorTests
{
    private static readonly VersionApi.VersionResponse s_version = new() { Version = "v1.6.20" };

    [Test]
    public async Task NamespaceScopeSendsNamespaceHeaderOnly()
    {
        var transport = new RecordingCallInvoker(_ => s_version);
        using var client = new ContainerdClient(transport);

        await client.Namespace("openfaas-fn").Version.VersionAsync(new Empty());

        Assert.Multiple(() =>
        {
            Assert.That(transport.LastCall.Method, Is.EqualTo("/containerd.services.version.v1.Version/Version"));
            Assert.That(transport.LastCall.Header(ContainerdHeaders.Namespace), Is.EqualTo("openfaas-fn"));
            Assert.That(transport.LastCall.Header(ContainerdHeaders.Lease), Is.Null);
        });
    }

    [Test]
    public async Task LeasedScopeSendsNamespaceAndLease()
    {
        var transport = new RecordingCallInvoker(_ => s_version);
        using var client = new ContainerdClient(transport);
        var leased = client.Namespace("openfaas-fn").WithLease("pull-1");

        await leased.Version.VersionAsync(new Empty());

        Assert.Multiple(() =>
        {
            Assert.That(leased.LeaseId, Is.EqualTo("pull-1"));
            Assert.That(transport.LastCall.Header(ContainerdHeaders.Namespace), Is.EqualTo("openfaas-fn"));
            Assert.That(transport.LastCall.Header(ContainerdHeaders.Lease), Is.EqualTo("pull-1"));
        });
    }

    [Test]
    public async Task GlobalScopeSendsNoScopeHeaders()
    {
        var transport = new RecordingCallInvoker(_ => s_version);
        using var client = new ContainerdClient(transport);

        await client.Global.Version.VersionAsync(new Empty());

        Assert.That(transport.LastCall.Headers, Is.Empty);
    }

    [Test]
    public async Task CallerHeadersAreKeptAndAnExplicitNamespaceWins()
    {
        var transport = new RecordingCallInvoker(_ => s_version);
        using var client = new ContainerdClient(transport);
        var headers = new Metadata { { "x-trace", "abc" }, { ContainerdHeaders.Namespace, "other" } };

        await client.Namespace("openfaas-fn").Version.VersionAsync(new Empty(), headers);

        Assert.Multiple(() =>
        {
            Assert.That(transport.LastCall.Header("x-trace"), Is.EqualTo("abc"));
            Assert.That(transport.LastCall.Header(ContainerdHeaders.Namespace), Is.EqualTo("other"));
            Assert.That(transport.LastCall.CountOf(ContainerdHeaders.Namespace), Is.EqualTo(1));
        });
    }

    [Test]
    public void AsyncUnaryFailureIsTranslated()
    {
        var transport = new RecordingCallInvoker { FailWith = new Status(StatusCode.NotFound, "container \"x\": not found") };
        using var client = new ContainerdClient(transport);

        var thrown = Assert.ThrowsAsync<ContainerdException>(
            async () => await client.Namespace("fn").Containers.GetAsync(new GetContainerRequest { Id = "x" }));

        Assert.Multiple(() =>
        {
            Assert.That(thrown.Kind, Is.EqualTo(ContainerdErrorKind.NotFound));
            Assert.That(thrown.Operation, Is.EqualTo("Containers.Get"));
            Assert.That(thrown.Message, Does.Contain("namespace \"fn\""));
        });
    }

    [Test]
    public void BlockingUnaryFailureIsTranslated()
    {
        var transport = new RecordingCallInvoker { FailWith = new Status(StatusCode.AlreadyExists, "exists") };
        using var client = new ContainerdClient(transport);

        var thrown = Assert.Throws<ContainerdException>(
            () => client.Namespace("fn").Containers.Create(new CreateContainerRequest { Container = new Container { Id = "x" } }));

        Assert.That(thrown.Kind, Is.EqualTo(ContainerdErrorKind.AlreadyExists));
    }

    [Test]
    public void ServerStreamingReadFailureIsTranslated()
    {
        var transport = new RecordingCallInvoker { FailWith = new Status(StatusCode.Unavailable, "daemon gone") };
        using var client = new ContainerdClient(transport);
        using var call = client.Global.Events.Subscribe(new SubscribeRequest());

        var thrown = Assert.ThrowsAsync<ContainerdException>(async () => await call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(thrown.Kind, Is.EqualTo(ContainerdErrorKind.Unavailable));
            Assert.That(thrown.Operation, Is.EqualTo("Events.Subscribe"));
        });
    }

    [Test]
    public async Task BidiStreamFailureIsTranslatedAndCarriesScope()
    {
        var transport = new RecordingCallInvoker { FailWith = new Status(StatusCode.FailedPrecondition, "unexpected commit digest") };
        using var client = new ContainerdClient(transport);
        using var call = client.Namespace("fn").WithLease("l1").Content.Write();

        await call.RequestStream.WriteAsync(new WriteContentRequest { Ref = "r" });
        var thrown = Assert.ThrowsAsync<ContainerdException>(async () => await call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(thrown.Kind, Is.EqualTo(ContainerdErrorKind.FailedPrecondition));
            Assert.That(thrown.Operation, Is.EqualTo("Content.Write"));
            Assert.That(transport.LastCall.Header(ContainerdHeaders.Lease), Is.EqualTo("l1"));
        });
    }

    [Test]
    public void ClientStreamingFailureIsTranslatedOnWriteAndResponse()
    {
        // None of containerd's services we use is client-streaming; the interceptor still must not leak RpcException there.
        var transport = new RecordingCallInvoker { FailWith = new Status(StatusCode.InvalidArgument, "bad") };
        using var client = new ContainerdClient(transport);
        var method = new Method<Empty, Empty>(MethodType.ClientStreaming, "containerd.test.v1.Test", "Upload",
            Marshallers.Create(_ => [], _ => new Empty()), Marshallers.Create(_ => [], _ => new Empty()));
        using var call = client.Namespace("fn").CallInvoker.AsyncClientStreamingCall(method, null, new CallOptions());

        var onWrite = Assert.ThrowsAsync<ContainerdException>(async () => await call.RequestStream.WriteAsync(new Empty()));
        var onResponse = Assert.ThrowsAsync<ContainerdException>(async () => await call.ResponseAsync);

        Assert.Multiple(() =>
        {
            Assert.That(onWrite.Kind, Is.EqualTo(ContainerdErrorKind.InvalidArgument));
            Assert.That(onResponse.Operation, Is.EqualTo("Test.Upload"));
        });
    }

    [Test]
    public void CancelledByTheCallersTokenStaysOperationCanceled()
    {
        var transport = new RecordingCallInvoker { FailWith = new Status(StatusCode.Cancelled, "Call canceled by the client.") };
        using var client = new ContainerdClient(transport);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        var thrown = Assert.CatchAsync<OperationCanceledException>(async () =>
            await client.Namespace("fn").Containers.GetAsync(new GetContainerRequest { Id = "x" }, cancellationToken: cancelled.Token));

        Assert.That(thrown!.CancellationToken, Is.EqualTo(cancelled.Token));
    }

    [Test]
    public void CancelledByTheCallersStreamReadTokenStaysOperationCanceled()
    {
        var transport = new RecordingCallInvoker { FailWith = new Status(StatusCode.Cancelled, "Call canceled by the client.") };
        using var client = new ContainerdClient(transport);
        using var call = client.Global.Events.Subscribe(new SubscribeRequest());
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.CatchAsync<OperationCanceledException>(async () => await call.ResponseStream.MoveNext(cancelled.Token));
    }

    [Test]
    public void CancelledByTheDaemonIsAContainerdError()
    {
        var transport = new RecordingCallInvoker { FailWith = new Status(StatusCode.Cancelled, "shutting down") };
        using var client = new ContainerdClient(transport);

        var thrown = Assert.ThrowsAsync<ContainerdException>(async () =>
            await client.Namespace("fn").Containers.GetAsync(new GetContainerRequest { Id = "x" }));

        Assert.That(thrown!.Kind, Is.EqualTo(ContainerdErrorKind.Cancelled));
    }
}
