using System.Collections.Concurrent;
using FaasD.Containerd.Api.Events;
using FaasD.Containerd.Api.Namespaces;
using FaasD.Containerd.Events;
using FaasD.Containerd.Errors;
using FaasD.Containerd.Tests.Integration.Support;
using FaasD.TestSupport;
using Google.Protobuf.WellKnownTypes;
using NUnit.Framework;

namespace FaasD.Containerd.Tests.Integration;

[Integration]
public sealed class ReconnectTests
{
    [Test]
    public async Task NextCallAfterAContainerdRestartWorksOnTheSameClient()
    {
        TestEnvironment.RequireContainerd();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var cancellation = timeout.Token;
        await using var daemon = await PrivateContainerd.StartAsync(cancellation);
        using var client = new ContainerdClient(new ContainerdClientOptions { SocketPath = daemon.SocketPath });

        var before = await client.Global.Version.VersionAsync(new Empty(), cancellationToken: cancellation);
        using var subscription = client.Global.Events.Subscribe(new SubscribeRequest(), cancellationToken: cancellation);
        var streamEnd = subscription.ResponseStream.MoveNext(cancellation);

        await daemon.KillAsync();
        var whileDown = Assert.ThrowsAsync<ContainerdException>(async () =>
            await client.Global.Version.VersionAsync(new Empty(), cancellationToken: cancellation));
        var brokenStream = Assert.ThrowsAsync<ContainerdException>(async () => await streamEnd);

        await daemon.StartAgainAsync(cancellation);
        var after = await client.Global.Version.VersionAsync(new Empty(), cancellationToken: cancellation);

        Assert.Multiple(() =>
        {
            Assert.That(whileDown!.Kind, Is.EqualTo(ContainerdErrorKind.Unavailable));
            Assert.That(brokenStream!.Kind, Is.EqualTo(ContainerdErrorKind.Unavailable), "a subscription broken by the restart says so");
            Assert.That(after.Version, Is.EqualTo(before.Version));
        });
    }

    [Test]
    public async Task EventWatchSubscribesAgainAfterARestart()
    {
        TestEnvironment.RequireContainerd();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var cancellation = timeout.Token;
        await using var daemon = await PrivateContainerd.StartAsync(cancellation);
        using var client = new ContainerdClient(new ContainerdClientOptions { SocketPath = daemon.SocketPath });
        var resubscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await using var events = client.Global
            .WatchEventsAsync(["topic==\"/namespaces/create\""], _ => { resubscribed.TrySetResult(); return Task.CompletedTask; }, cancellation)
            .GetAsyncEnumerator(cancellation);
        var next = events.MoveNextAsync().AsTask();

        await daemon.KillAsync();
        await daemon.StartAgainAsync(cancellation);
        await resubscribed.Task.WaitAsync(cancellation);

        // The new subscription registers asynchronously: create namespaces until one is delivered.
        var created = new ConcurrentDictionary<string, bool>();
        while (!next.IsCompleted)
        {
            var name = TestNamespaces.NewName();
            created[name] = true;
            await client.Namespace(name).Namespaces.CreateAsync(
                new CreateNamespaceRequest { Namespace = new Namespace { Name = name } }, cancellationToken: cancellation);
            await Task.WhenAny(next, Task.Delay(TimeSpan.FromMilliseconds(200), cancellation));
        }

        Assert.Multiple(async () =>
        {
            Assert.That(await next, Is.True);
            Assert.That(EventPayload.TryUnpack<NamespaceCreate>(events.Current.Event, out var payload), Is.True);
            Assert.That(created.Keys, Does.Contain(payload!.Name));
        });
    }
}
