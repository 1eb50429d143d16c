using FaasD.Containerd.Api.Leases;
using FaasD.Containerd.Interception;
using FaasD.Containerd.Leases;
using FaasD.Containerd.Tests.Fakes;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace FaasD.Containerd.Tests.Leases;

public sealed class ContainerdLeaseTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 23, 20, 0, 0, TimeSpan.Zero);

    private static RecordingCallInvoker LeaseService() => new(method => method switch
    {
        "/containerd.services.leases.v1.Leases/Create" => new CreateResponse { Lease = new Lease { Id = "granted" } },
        _ => new Empty(),
    });

    [Test]
    public async Task CreatesLeaseThatExpiresOnItsOwn()
    {
        var transport = LeaseService();
        using var client = new ContainerdClient(transport, timeProvider: new FakeTimeProvider(s_now));

        await using var lease = await client.Namespace("openfaas-fn").CreateLeaseAsync(TimeSpan.FromMinutes(30), CancellationToken.None);

        var request = (CreateRequest)transport.Calls[0].Request!;
        Assert.Multiple(() =>
        {
            Assert.That(request.Labels[LeaseLabels.Expire], Is.EqualTo("2026-11-23T20:30:00Z"));
            Assert.That(request.Labels[LeaseLabels.OwnerPid], Is.EqualTo(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)), "the owner, so a later start can tell a dead process's lease");
            Assert.That(request.Id, Does.StartWith("faasd-"));
            Assert.That(lease.Id, Is.EqualTo("granted"));
            Assert.That(lease.ExpiresAt, Is.EqualTo(s_now.AddMinutes(30)));
            Assert.That(lease.Scope.Namespace, Is.EqualTo("openfaas-fn"));
            Assert.That(lease.Scope.LeaseId, Is.EqualTo("granted"));
        });
    }

    [Test]
    public async Task DisposeDeletesTheLeaseOnce()
    {
        var transport = LeaseService();
        using var client = new ContainerdClient(transport);
        var lease = await client.Namespace("openfaas-fn").CreateLeaseAsync(TimeSpan.FromMinutes(5), CancellationToken.None);

        await lease.DisposeAsync();
        await lease.DisposeAsync();

        var deletes = transport.Calls.Where(call => call.Method.EndsWith("/Delete", StringComparison.Ordinal)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(deletes, Has.Count.EqualTo(1));
            Assert.That(((DeleteRequest)deletes[0].Request!).Id, Is.EqualTo("granted"));
            Assert.That(deletes[0].Header(ContainerdHeaders.Namespace), Is.EqualTo("openfaas-fn"));
        });
    }

    [Test]
    public async Task DisposeSwallowsAFailedDeleteBecauseTheLeaseExpiresAnyway()
    {
        var transport = new RecordingCallInvoker(method =>
            method.EndsWith("/Create", StringComparison.Ordinal) ? new CreateResponse { Lease = new Lease { Id = "granted" } } : null)
        {
            FailWith = new Status(StatusCode.Unavailable, "daemon restarting"),
        };
        using var client = new ContainerdClient(transport);
        var lease = await client.Namespace("openfaas-fn").CreateLeaseAsync(TimeSpan.FromMinutes(5), CancellationToken.None);

        Assert.DoesNotThrowAsync(async () => await lease.DisposeAsync());
    }

    [Test]
    public void ExpiryIsRfc3339InUtc() =>
        Assert.That(LeaseLabels.FormatExpiry(new DateTimeOffset(2026, 1, 2, 4, 5, 6, TimeSpan.FromHours(2))), Is.EqualTo("2026-01-02T02:05:06Z"));
}
