using System.Net;
using System.Net.Sockets;
using FaasD.Functions.Abstractions;
using FaasD.Gateway.Tests.Infrastructure;
using NUnit.Framework;

namespace FaasD.Gateway.Tests.Invoke;

/// <summary>A replica that refuses the connection is reported and the request goes to the next one the platform hands out.</summary>
internal sealed class ReplicaRetryTests : GatewayTestBase
{
    private HttpClient Caller => Gateway.Anonymous;

    [SetUp]
    public void AddEcho() => Gateway.Platform.Add("echo");

    [Test]
    public async Task Refused_connection_is_reported_and_the_request_with_its_body_is_retried_on_another_replica()
    {
        var dead = new RecordingReplica($"http://127.0.0.1:{FreePort()}");
        var live = new RecordingReplica(Upstream.DestinationPrefix);
        var leases = new Queue<RecordingReplica>([dead, live]);
        Gateway.Platform.LeaseOverride = (_, _) =>
        {
            var replica = leases.Count > 0 ? leases.Dequeue() : live;
            return new EndpointLease(EndpointStatus.Ready, replica.Destination, replica);
        };

        using var response = await Caller.PostAsync("/function/echo/path", new StringContent("hello replicas"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(dead.Unreachable, Is.EqualTo(1));
            Assert.That(live.Unreachable, Is.Zero);
            Assert.That(dead.Ended + live.Ended, Is.EqualTo(2), "every lease handed out was disposed");
            Assert.That(Upstream.Last?.BodyText, Is.EqualTo("hello replicas"));
        }
    }

    [Test]
    public async Task After_three_refusals_the_caller_gets_500()
    {
        var replicas = Enumerable.Range(0, 3).Select(_ => new RecordingReplica($"http://127.0.0.1:{FreePort()}")).ToList();
        var next = 0;
        Gateway.Platform.LeaseOverride = (_, _) =>
        {
            var replica = replicas[Math.Min(next++, replicas.Count - 1)];
            return new EndpointLease(EndpointStatus.Ready, replica.Destination, replica);
        };

        using var response = await Caller.GetAsync("/function/echo");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        Assert.That(replicas.Take(2).Select(r => r.Unreachable), Is.All.EqualTo(1), "the first two are reported, the last one answers 500");
        Assert.That(next, Is.EqualTo(3));
    }

    private sealed class RecordingReplica(string destination) : IInflightTracker, IEndpointFeedback
    {
        private int _unreachable;
        private int _ended;

        public string Destination { get; } = destination;

        public int Unreachable => Volatile.Read(ref _unreachable);

        public int Ended => Volatile.Read(ref _ended);

        public void ReportUnreachable(int incarnation) => Interlocked.Increment(ref _unreachable);

        public void RequestEnded() => Interlocked.Increment(ref _ended);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
