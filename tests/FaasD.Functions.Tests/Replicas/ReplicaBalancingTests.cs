using FaasD.Functions.Abstractions;
using FaasD.Functions.Replicas;
using FaasD.Functions.Scaling;
using FaasD.Functions.Tests.Waking;
using FaasD.Functions.Waking;
using NUnit.Framework;

namespace FaasD.Functions.Tests.Replicas;

/// <summary>The hot path across replicas: least in-flight, ties round-robin, never to a draining or failed replica.</summary>
public class ReplicaBalancingTests
{
    private static readonly string[] Destinations = ["http://10.62.0.1:8080", "http://10.62.0.2:8080", "http://10.62.0.3:8080"];

    private static (ScalingFixture Fixture, FunctionHandle Handle) ThreeReplicas()
    {
        var f = new ScalingFixture();
        f.Registry.TryAddReplicas(ScalingFixture.Key, LifecycleState.Running,
            [.. Destinations.Select((d, i) => new ReplicaSeed(i == 0 ? "figlet" : $"figlet.r{i}", i, d))],
            ScalingFixture.Idle(TimeSpan.FromMinutes(5)), out var handle);
        return (f, handle);
    }

    [Test]
    public async Task Sequential_requests_go_round_robin()
    {
        var (f, _) = ThreeReplicas();
        var served = new Dictionary<string, int>();
        for (var i = 0; i < 300; i++)
        {
            using var lease = await f.AcquireAsync();
            served[lease.DestinationPrefix!] = served.GetValueOrDefault(lease.DestinationPrefix!) + 1;
        }

        Assert.That(served.Keys, Is.EquivalentTo(Destinations));
        Assert.That(served.Values, Is.All.EqualTo(100));
    }

    [Test]
    public async Task Concurrent_requests_go_to_the_least_loaded_replica()
    {
        var (f, handle) = ThreeReplicas();
        var held = new List<EndpointLease>();
        for (var i = 0; i < 6; i++)
        {
            held.Add(await f.AcquireAsync());
        }

        Assert.That(handle.Replicas.Select(r => r.InFlight), Is.All.EqualTo(2));
        var busiest = held[0];
        held.RemoveAt(0);
        busiest.Dispose();
        using var next = await f.AcquireAsync();
        Assert.That(next.DestinationPrefix, Is.EqualTo(busiest.DestinationPrefix), "the replica with one in flight wins over those with two");
        foreach (var lease in held)
        {
            lease.Dispose();
        }

        Assert.That(handle.InFlight, Is.EqualTo(1));
    }

    [Test]
    public async Task A_draining_replica_gets_no_new_request_and_is_idle_when_its_last_one_ends()
    {
        var (f, handle) = ThreeReplicas();
        var first = await f.AcquireAsync();
        var replica = handle.Replicas.Single(r => r.Destination == first.DestinationPrefix);

        var drained = handle.DrainReplicaAsync(replica);
        Assert.That(drained.IsCompleted, Is.False, "one request is still in flight on it");
        for (var i = 0; i < 30; i++)
        {
            using var lease = await f.AcquireAsync();
            Assert.That(lease.DestinationPrefix, Is.Not.EqualTo(replica.Destination));
        }

        first.Dispose();
        await drained.WaitAsync(ScalingFixture.Safety);
        Assert.That(handle.Status.AvailableReplicas, Is.EqualTo(2));
    }

    [Test]
    public async Task An_unreachable_replica_leaves_the_rotation_and_is_reported_for_replacement()
    {
        var (f, handle) = ThreeReplicas();
        var reported = new List<(string Container, string Reason)>();
        f.Registry.ReplicaFailed += (_, replica, reason) => reported.Add((replica.ContainerId, reason));

        var lease = await f.AcquireAsync();
        var bad = lease.DestinationPrefix;
        lease.ReportUnreachable();
        lease.Dispose();

        Assert.That(reported, Has.Count.EqualTo(1));
        Assert.That(reported[0].Reason, Is.EqualTo("connection refused"));
        Assert.That(handle.Status.AvailableReplicas, Is.EqualTo(2));
        for (var i = 0; i < 20; i++)
        {
            using var next = await f.AcquireAsync();
            Assert.That(next.DestinationPrefix, Is.Not.EqualTo(bad));
        }
    }

    [Test]
    public async Task A_refused_connection_reported_after_the_replica_was_replaced_leaves_the_replacement_serving()
    {
        var (f, handle) = ThreeReplicas();
        var reported = new List<string>();
        f.Registry.ReplicaFailed += (_, replica, reason) => reported.Add(reason);

        // A request picked the replica, then its task died and the supervisor replaced it before the connect failed
        // (a connect to a torn-down address fails only after ARP gives up, seconds later).
        var late = await f.AcquireAsync();
        var replica = handle.Replicas.Single(r => r.Destination == late.DestinationPrefix);
        handle.ReportReplicaFailed(replica, "task exited with status 137", taskGone: true);
        Assert.That(handle.TryMarkReplicaStarting(replica), Is.True);
        handle.MarkReplicaReady(replica, "http://10.62.0.9:8080");

        late.ReportUnreachable();
        late.Dispose();

        Assert.That(replica.State, Is.EqualTo(ReplicaState.Ready), "the replacement keeps serving");
        Assert.That(reported, Is.EqualTo(new[] { "task exited with status 137" }), "replaced once, not twice");
        Assert.That(handle.Status.AvailableReplicas, Is.EqualTo(3));

        // A refusal by the replacement itself still counts.
        using var current = await AcquireOnAsync(f, "http://10.62.0.9:8080");
        current.ReportUnreachable();
        Assert.That(replica.State, Is.EqualTo(ReplicaState.Out));
    }

    private static async Task<EndpointLease> AcquireOnAsync(ScalingFixture f, string destination)
    {
        for (var i = 0; i < 10; i++)
        {
            var lease = await f.AcquireAsync();
            if (lease.DestinationPrefix == destination)
            {
                return lease;
            }

            lease.Dispose();
        }

        throw new AssertionException($"no lease on {destination}");
    }

    [Test]
    public async Task With_every_replica_out_requests_wait_for_one_to_be_restarted()
    {
        var (f, handle) = ThreeReplicas();
        foreach (var replica in handle.Replicas)
        {
            handle.ReportReplicaFailed(replica, "liveness");
        }

        Assert.That(handle.State, Is.EqualTo(LifecycleState.Running), "their tasks still exist: the supervisor restarts them");
        var waiting = f.AcquireAsync().AsTask();
        await Task.Yield();
        Assert.That(waiting.IsCompleted, Is.False);

        var restarted = handle.Replicas[1];
        Assert.That(handle.TryMarkReplicaStarting(restarted), Is.True);
        handle.MarkReplicaReady(restarted, "http://10.62.0.22:8080");

        using var lease = await waiting.WaitAsync(ScalingFixture.Safety);
        Assert.That(lease.Status, Is.EqualTo(EndpointStatus.Ready));
        Assert.That(lease.DestinationPrefix, Is.EqualTo("http://10.62.0.22:8080"));
    }

    [Test]
    public void When_the_last_task_is_gone_the_function_is_stopped_so_the_next_request_cold_starts_it()
    {
        var (_, handle) = ThreeReplicas();
        foreach (var replica in handle.Replicas)
        {
            handle.ReportReplicaFailed(replica, "task exited", taskGone: true);
        }

        Assert.That(handle.State, Is.EqualTo(LifecycleState.Stopped));
        Assert.That(handle.Status.Replicas, Is.Zero);
    }

    [Test]
    public async Task A_wake_from_deep_sleep_starts_the_primary_and_asks_for_the_others()
    {
        var (f, handle) = ThreeReplicas();
        var restarts = new List<string>();
        f.Registry.ReplicaFailed += (_, replica, _) => restarts.Add(replica.ContainerId);
        foreach (var replica in handle.Replicas)
        {
            handle.ReportReplicaFailed(replica, "task exited", taskGone: true);
        }

        restarts.Clear();
        using var lease = await f.AcquireAsync();

        Assert.That(lease.DestinationPrefix, Is.EqualTo(f.Lifecycle.StartDestination));
        Assert.That(handle.Replicas.Single(r => r.State == ReplicaState.Ready).ContainerId, Is.EqualTo("figlet"));
        Assert.That(restarts, Is.EquivalentTo(new[] { "figlet.r1", "figlet.r2" }));
    }

    [Test]
    public void A_count_set_by_hand_holds_for_one_window()
    {
        var (f, handle) = ThreeReplicas();
        Assert.That(handle.ScaledByHandWithin(TimeSpan.FromMinutes(1)), Is.False, "never scaled by hand");

        handle.MarkScaledByHand();
        f.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.That(handle.ScaledByHandWithin(TimeSpan.FromMinutes(1)), Is.True);
        f.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.That(handle.ScaledByHandWithin(TimeSpan.FromMinutes(1)), Is.False);
    }
}
