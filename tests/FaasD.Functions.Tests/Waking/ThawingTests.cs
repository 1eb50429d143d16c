using FaasD.Functions.Abstractions;
using FaasD.Functions.Autoscaling;
using FaasD.Functions.Replicas;
using FaasD.Functions.Waking;
using NUnit.Framework;

namespace FaasD.Functions.Tests.Waking;

/// <summary>Scale to zero with replicas: idle freezes all, the first request thaws one, load thaws the others.</summary>
public class ThawingTests
{
    private static readonly string[] Destinations = ["http://10.62.0.1:8080", "http://10.62.0.2:8080", "http://10.62.0.3:8080"];

    private static (ScalingFixture Fixture, FunctionHandle Handle) ThreeReplicas(LifecycleState state)
    {
        // Runtime calls outlast the idle durations the tests advance the clock by.
        var f = new ScalingFixture(o => o.OperationTimeout = TimeSpan.FromHours(1));
        f.Registry.TryAddReplicas(ScalingFixture.Key, state,
            [.. Destinations.Select((d, i) => new ReplicaSeed(i == 0 ? "figlet" : $"figlet.r{i}", i, d))],
            ScalingFixture.Idle(TimeSpan.FromMinutes(5)), out var handle);
        return (f, handle);
    }

    /// <summary>Woken by one request: the primary serves, the other two are still frozen.</summary>
    private static async Task<(ScalingFixture Fixture, FunctionHandle Handle)> WokenWithOneAwakeAsync()
    {
        var (f, handle) = ThreeReplicas(LifecycleState.Paused);
        using (await f.AcquireAsync())
        {
        }

        return (f, handle);
    }

    private static ReplicaState[] States(FunctionHandle handle) => [.. handle.Replicas.OrderBy(r => r.Index).Select(r => r.State)];

    private static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + ScalingFixture.Safety;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting for {what}");
            }

            await Task.Delay(5);
        }
    }

    [Test]
    public async Task Idle_freezes_every_replica_and_the_first_request_thaws_only_one()
    {
        var (f, handle) = ThreeReplicas(LifecycleState.Running);
        f.Time.Advance(TimeSpan.FromMinutes(5));
        await handle.TryBeginIdleWork(f.Time.GetTimestamp())!.WaitAsync(ScalingFixture.Safety);

        Assert.That(f.Lifecycle.Paused, Is.EquivalentTo(new[] { "figlet", "figlet.r1", "figlet.r2" }));
        Assert.That(States(handle), Is.All.EqualTo(ReplicaState.Frozen));
        Assert.That(handle.Status, Is.EqualTo(new FunctionScaleStatus(FunctionState.Paused, 0, 0)));

        using (var lease = await f.AcquireAsync())
        {
            Assert.That((lease.Status, lease.DestinationPrefix), Is.EqualTo((EndpointStatus.Ready, Destinations[0])));
        }

        Assert.That(f.Lifecycle.Resumed, Is.EqualTo(new[] { "figlet" }));
        Assert.That(States(handle), Is.EqualTo(new[] { ReplicaState.Ready, ReplicaState.Frozen, ReplicaState.Frozen }));
        Assert.That(handle.Status, Is.EqualTo(new FunctionScaleStatus(FunctionState.Running, 3, 1)), "three replicas, one available");
        Assert.That(handle.FrozenReplicas, Is.EqualTo(2));
    }

    [Test]
    public async Task Sequential_requests_after_a_wake_stay_on_the_one_thawed_replica()
    {
        var (f, handle) = await WokenWithOneAwakeAsync();
        for (var i = 0; i < 100; i++)
        {
            using var lease = await f.AcquireAsync();
            Assert.That(lease.DestinationPrefix, Is.EqualTo(Destinations[0]));
        }

        Assert.That(f.Lifecycle.Resume.Calls, Is.EqualTo(1));
        Assert.That(handle.Status.AvailableReplicas, Is.EqualTo(1));
    }

    [Test]
    public async Task Fifty_concurrent_first_requests_share_one_thaw_of_one_replica()
    {
        var (f, handle) = ThreeReplicas(LifecycleState.Paused);
        f.Lifecycle.Resume.Hold();

        var requests = Enumerable.Range(0, 50).Select(_ => f.AcquireAsync().AsTask()).ToList();
        await f.Lifecycle.Resume.Called.WaitAsync(ScalingFixture.Safety);
        await EventuallyAsync(() => handle.Waiting == 50, "every request to wait for the wake");

        Assert.That(f.Lifecycle.Resume.Calls, Is.EqualTo(1), "no thundering herd");
        Assert.That(States(handle), Is.EqualTo(new[] { ReplicaState.Thawing, ReplicaState.Frozen, ReplicaState.Frozen }));
        Assert.That(handle.Status.AvailableReplicas, Is.Zero);

        f.Lifecycle.Resume.Release();
        var leases = await Task.WhenAll(requests).WaitAsync(ScalingFixture.Safety);

        Assert.That(leases.Select(l => l.Status), Is.All.EqualTo(EndpointStatus.Ready));

        // Fifty in flight is concurrent demand: the others are thawed, one at a time and each once.
        await EventuallyAsync(() => handle.ReadyReplicas == 3, "load to thaw the other replicas");
        Assert.That(f.Lifecycle.Resumed, Is.EqualTo(new[] { "figlet", "figlet.r1", "figlet.r2" }));
        foreach (var lease in leases)
        {
            lease.Dispose();
        }

        Assert.That(handle.InFlight, Is.Zero);
    }

    [Test]
    public async Task Busy_requests_thaw_one_more_replica_at_a_time_and_are_served_without_waiting()
    {
        var (f, handle) = await WokenWithOneAwakeAsync();
        f.Lifecycle.Resume.Hold();

        var first = await f.AcquireAsync();
        Assert.That(f.Lifecycle.Resume.Calls, Is.EqualTo(1), "one request in flight is no concurrent demand");

        var busy = new List<EndpointLease>();
        for (var i = 0; i < 5; i++)
        {
            busy.Add(await f.AcquireAsync().AsTask().WaitAsync(ScalingFixture.Safety));
        }

        Assert.That(busy.Select(l => l.DestinationPrefix), Is.All.EqualTo(Destinations[0]), "served at once by the awake replica");
        Assert.That(f.Lifecycle.Resume.Calls, Is.EqualTo(2), "one thaw at a time");
        Assert.That(States(handle), Is.EqualTo(new[] { ReplicaState.Ready, ReplicaState.Thawing, ReplicaState.Frozen }));
        Assert.That(handle.Status.AvailableReplicas, Is.EqualTo(1), "a replica being thawed is not available yet");

        f.Lifecycle.Resume.Release();
        await EventuallyAsync(() => handle.ReadyReplicas == 2, "the thawed replica to join the rotation");
        using (var next = await f.AcquireAsync())
        {
            Assert.That(next.DestinationPrefix, Is.EqualTo(Destinations[1]), "the idle thawed replica wins");
        }

        first.Dispose();
        foreach (var lease in busy)
        {
            lease.Dispose();
        }

        Assert.That(handle.Status, Is.EqualTo(new FunctionScaleStatus(FunctionState.Running, 3, 2)));
    }

    [Test]
    public async Task Idle_freezes_again_only_the_awake_replicas_after_a_thaw_under_way_ended()
    {
        var (f, handle) = await WokenWithOneAwakeAsync();
        f.Lifecycle.Resume.Hold();
        var leases = new[] { await f.AcquireAsync(), await f.AcquireAsync() };
        Assert.That(States(handle)[1], Is.EqualTo(ReplicaState.Thawing));
        foreach (var lease in leases)
        {
            lease.Dispose();
        }

        f.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.That(handle.TryBeginIdleWork(f.Time.GetTimestamp()), Is.Null, "no pause while a replica is being thawed");
        Assert.That(handle.State, Is.EqualTo(LifecycleState.Running));

        f.Lifecycle.Resume.Release();
        await EventuallyAsync(() => handle.ReadyReplicas == 2, "the thaw to end");
        f.Time.Advance(TimeSpan.FromMinutes(5));
        while (f.Lifecycle.Paused.TryDequeue(out _))
        {
        }

        await handle.TryBeginIdleWork(f.Time.GetTimestamp())!.WaitAsync(ScalingFixture.Safety);

        Assert.That(f.Lifecycle.Paused, Is.EquivalentTo(new[] { "figlet", "figlet.r1" }), "the still frozen one is not paused twice");
        Assert.That(States(handle), Is.All.EqualTo(ReplicaState.Frozen));
        Assert.That(handle.Status, Is.EqualTo(new FunctionScaleStatus(FunctionState.Paused, 0, 0)));
    }

    [Test]
    public async Task An_autoscaled_function_is_thawed_by_the_autoscaler_not_by_demand()
    {
        var (f, handle) = await WokenWithOneAwakeAsync();
        handle.Scaling = new ScalingSettings(1, 3, ScaleType.Capacity, 2, 0.9, null, Requested: true);
        f.Registry.Autoscaler.TurnOn();

        var leases = new List<EndpointLease>();
        for (var i = 0; i < 6; i++)
        {
            leases.Add(await f.AcquireAsync());
        }

        Assert.That(f.Lifecycle.Resume.Calls, Is.EqualTo(1));
        Assert.That(handle.FrozenReplicas, Is.EqualTo(2));

        await handle.ThawAllAsync(CancellationToken.None).WaitAsync(ScalingFixture.Safety);
        Assert.That(States(handle), Is.All.EqualTo(ReplicaState.Ready));
        Assert.That(handle.Status, Is.EqualTo(new FunctionScaleStatus(FunctionState.Running, 3, 3)));
        foreach (var lease in leases)
        {
            lease.Dispose();
        }
    }

    [Test]
    public async Task A_failed_thaw_leaves_the_replica_frozen_and_a_later_demand_retries()
    {
        var (f, handle) = await WokenWithOneAwakeAsync();
        f.Lifecycle.Resume.Fail(new FunctionPlatformException(FunctionErrorKind.Unavailable, "containerd is down"));
        var leases = new List<EndpointLease> { await f.AcquireAsync(), await f.AcquireAsync() };
        await EventuallyAsync(() => States(handle)[1] == ReplicaState.Frozen && f.Lifecycle.Resume.Calls == 2, "the thaw to fail");
        Assert.That(handle.Status.AvailableReplicas, Is.EqualTo(1));

        leases.Add(await f.AcquireAsync());
        await EventuallyAsync(() => handle.ReadyReplicas == 2, "the next busy request to thaw it");
        Assert.That(f.Lifecycle.Resumed, Is.EqualTo(new[] { "figlet", "figlet.r1", "figlet.r1" }));
        foreach (var lease in leases)
        {
            lease.Dispose();
        }
    }

    [Test]
    public async Task A_replica_whose_task_died_while_frozen_is_restarted_and_the_wake_thaws_another()
    {
        var (f, handle) = ThreeReplicas(LifecycleState.Paused);
        var restarts = new List<string>();
        f.Registry.ReplicaFailed += (_, replica, _) => restarts.Add(replica.ContainerId);
        f.Lifecycle.Resume.Fail(new FunctionPlatformException(FunctionErrorKind.NotFound, "no task"));

        using var lease = await f.AcquireAsync().AsTask().WaitAsync(ScalingFixture.Safety);

        Assert.That(lease.Status, Is.EqualTo(EndpointStatus.Ready));
        Assert.That(lease.DestinationPrefix, Is.EqualTo(Destinations[1]));
        Assert.That(f.Lifecycle.Resumed, Is.EqualTo(new[] { "figlet", "figlet.r1" }));
        Assert.That(States(handle), Is.EqualTo(new[] { ReplicaState.Out, ReplicaState.Ready, ReplicaState.Frozen }));
        Assert.That(restarts, Is.EqualTo(new[] { "figlet" }));
    }
}
