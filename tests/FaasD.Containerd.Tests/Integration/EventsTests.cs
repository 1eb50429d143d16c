using System.Collections.Concurrent;
using FaasD.Containerd.Api.Events;
using FaasD.Containerd.Events;
using FaasD.Containerd.Tests.Integration.Support;
using NUnit.Framework;

namespace FaasD.Containerd.Tests.Integration;

public sealed class EventsTests : ContainerdTestBase
{
    [Test]
    public async Task SubscribeDeliversNamespaceCreate()
    {
        var request = new SubscribeRequest();
        request.Filters.Add("topic==\"/namespaces/create\"");
        using var subscription = Client.Global.Events.Subscribe(request, cancellationToken: Cancellation);
        var created = new ConcurrentDictionary<string, bool>();

        try
        {
            var seen = WaitForOneOfAsync(subscription.ResponseStream, created);

            // containerd registers the subscriber asynchronously and sends no headers until the first event,
            // so keep creating namespaces until one of ours is delivered.
            while (!seen.IsCompleted)
            {
                // Named before creation: the event can arrive before CreateAsync returns.
                var name = TestNamespaces.NewName();
                created[name] = true;
                await TestNamespaces.CreateAsync(Client, name, Cancellation);
                await Task.WhenAny(seen, Task.Delay(TimeSpan.FromMilliseconds(300), Cancellation));
            }

            var (envelope, payload) = await seen;
            Assert.Multiple(() =>
            {
                Assert.That(envelope.Topic, Is.EqualTo("/namespaces/create"));
                Assert.That(created.Keys, Does.Contain(payload.Name));
                Assert.That(payload.Labels, Does.ContainKey("faasd.test/owner"));
            });
        }
        finally
        {
            foreach (var name in created.Keys)
            {
                await TestNamespaces.DeleteAsync(Client, name, CancellationToken.None);
            }
        }
    }

    [Test]
    public void CancellingASubscriptionIsOperationCanceledNotAContainerdError()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        using var subscription = Client.Global.Events.Subscribe(
            new SubscribeRequest { Filters = { "topic==\"/faasd-test/never\"" } }, cancellationToken: stop.Token);

        Assert.CatchAsync<OperationCanceledException>(async () => await subscription.ResponseStream.MoveNext(stop.Token));
    }

    private async Task<(Envelope Envelope, NamespaceCreate Payload)> WaitForOneOfAsync(
        Grpc.Core.IAsyncStreamReader<Envelope> stream, ConcurrentDictionary<string, bool> created)
    {
        while (await stream.MoveNext(Cancellation))
        {
            var envelope = stream.Current;
            // Other test projects create namespaces too; only ours count.
            if (EventPayload.TryUnpack<NamespaceCreate>(envelope.Event, out var payload) && created.ContainsKey(payload.Name))
            {
                return (envelope, payload);
            }
        }

        throw new InvalidOperationException("event stream ended");
    }
}
