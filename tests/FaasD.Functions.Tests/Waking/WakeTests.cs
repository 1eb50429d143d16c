using FaasD.Functions.Abstractions;
using FaasD.Functions.Scaling;
using FaasD.Functions.Waking;
using NUnit.Framework;

namespace FaasD.Functions.Tests.Waking;

/// <summary>The hot path: warm requests, and requests that find the function frozen or without a task.</summary>
public class WakeTests
{
    [Test]
    public async Task Running_function_is_ready_at_once_and_counts_the_request_in_flight()
    {
        var f = new ScalingFixture();
        var handle = f.Add(LifecycleState.Running);

        var pending = f.AcquireAsync();
        Assert.That(pending.IsCompletedSuccessfully, Is.True, "the warm path completes synchronously");
        using (var lease = await pending)
        {
            Assert.That(lease.Status, Is.EqualTo(EndpointStatus.Ready));
            Assert.That(lease.DestinationPrefix, Is.EqualTo(ScalingFixture.Destination));
            Assert.That(handle.InFlight, Is.EqualTo(1));
        }

        Assert.That(handle.InFlight, Is.Zero);
        Assert.That(f.Lifecycle.Resume.Calls + f.Lifecycle.Start.Calls, Is.Zero);
    }

    [Test]
    public async Task Warm_path_allocates_nothing()
    {
        var f = new ScalingFixture();
        f.Add(LifecycleState.Running);
        (await f.AcquireAsync()).Dispose();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            (await f.AcquireAsync()).Dispose();
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [Test]
    public async Task Request_wakes_a_paused_function_and_gets_its_destination()
    {
        var f = new ScalingFixture();
        var handle = f.Add(LifecycleState.Paused);

        using var lease = await f.AcquireAsync();

        Assert.That(lease.Status, Is.EqualTo(EndpointStatus.Ready));
        Assert.That(lease.DestinationPrefix, Is.EqualTo(ScalingFixture.Destination));
        Assert.That(f.Lifecycle.Resume.Calls, Is.EqualTo(1));
        Assert.That(handle.State, Is.EqualTo(LifecycleState.Running));
    }

    [Test]
    public async Task Fifty_concurrent_first_requests_share_one_resume()
    {
        var f = new ScalingFixture();
        var handle = f.Add(LifecycleState.Paused);
        f.Lifecycle.Resume.Hold();

        var requests = Enumerable.Range(0, 50).Select(_ => f.AcquireAsync().AsTask()).ToList();
        await f.Lifecycle.Resume.Called.WaitAsync(ScalingFixture.Safety);
        Assert.That(handle.State, Is.EqualTo(LifecycleState.Resuming));
        Assert.That(handle.Waiting, Is.EqualTo(50));

        f.Lifecycle.Resume.Release();
        var leases = await Task.WhenAll(requests).WaitAsync(ScalingFixture.Safety);

        Assert.That(f.Lifecycle.Resume.Calls, Is.EqualTo(1));
        Assert.That(leases.Select(l => l.Status), Is.All.EqualTo(EndpointStatus.Ready));
        Assert.That(leases.Select(l => l.DestinationPrefix), Is.All.EqualTo(ScalingFixture.Destination));
        Assert.That(handle.InFlight, Is.EqualTo(50));
        Assert.That(handle.Waiting, Is.Zero);
        foreach (var lease in leases)
        {
            lease.Dispose();
        }

        Assert.That(handle.InFlight, Is.Zero);
    }

    [Test]
    public async Task Stopped_function_is_started_once_for_concurrent_callers()
    {
        var f = new ScalingFixture();
        var handle = f.Add(LifecycleState.Stopped);
        f.Lifecycle.Start.Hold();

        var requests = Enumerable.Range(0, 10).Select(_ => f.AcquireAsync().AsTask()).ToList();
        await f.Lifecycle.Start.Called.WaitAsync(ScalingFixture.Safety);
        Assert.That(handle.State, Is.EqualTo(LifecycleState.Starting));
        f.Lifecycle.Start.Release();
        var leases = await Task.WhenAll(requests).WaitAsync(ScalingFixture.Safety);

        Assert.That(f.Lifecycle.Start.Calls, Is.EqualTo(1));
        Assert.That(f.Lifecycle.Resume.Calls, Is.Zero);
        Assert.That(leases.Select(l => l.DestinationPrefix), Is.All.EqualTo(f.Lifecycle.StartDestination));
        Assert.That(handle.DestinationPrefix, Is.EqualTo(f.Lifecycle.StartDestination));
    }

    [Test]
    public async Task Waiters_beyond_the_bound_get_unavailable()
    {
        var f = new ScalingFixture(o => o.MaxWaitersPerFunction = 2);
        f.Add(LifecycleState.Paused);
        f.Lifecycle.Resume.Hold();

        var first = f.AcquireAsync().AsTask();
        var second = f.AcquireAsync().AsTask();
        var third = await f.AcquireAsync();

        Assert.That(third.Status, Is.EqualTo(EndpointStatus.Unavailable));
        Assert.That(third.Reason, Is.EqualTo("too many requests waiting for figlet.openfaas-fn to wake"));

        f.Lifecycle.Resume.Release();
        var leases = await Task.WhenAll(first, second).WaitAsync(ScalingFixture.Safety);
        Assert.That(leases.Select(l => l.Status), Is.All.EqualTo(EndpointStatus.Ready));
    }

    [Test]
    public async Task Wake_that_outlasts_the_wake_timeout_is_a_timeout()
    {
        var f = new ScalingFixture();
        var handle = f.Add(LifecycleState.Paused);
        f.Lifecycle.Resume.Hold();

        var request = f.AcquireAsync().AsTask();
        f.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.That(request.IsCompleted, Is.False);
        f.Time.Advance(TimeSpan.FromSeconds(1));
        var lease = await request.WaitAsync(ScalingFixture.Safety);

        Assert.That(lease.Status, Is.EqualTo(EndpointStatus.Timeout));
        Assert.That(lease.Reason, Is.EqualTo("figlet.openfaas-fn did not wake within 30s"));
        Assert.That(handle.InFlight, Is.Zero);

        // The resume goes on for whoever comes next.
        Assert.That(handle.State, Is.EqualTo(LifecycleState.Resuming));
        f.Lifecycle.Resume.Release();
        using var next = await f.AcquireAsync().AsTask().WaitAsync(ScalingFixture.Safety);
        Assert.That(next.Status, Is.EqualTo(EndpointStatus.Ready));
        Assert.That(f.Lifecycle.Resume.Calls, Is.EqualTo(1));
    }

    [Test]
    public async Task Failed_resume_is_unavailable_and_the_next_request_retries()
    {
        var f = new ScalingFixture();
        var handle = f.Add(LifecycleState.Paused);
        f.Lifecycle.Resume.Fail(new InvalidOperationException("containerd: task not found"));

        var failed = await f.AcquireAsync();

        Assert.That(failed.Status, Is.EqualTo(EndpointStatus.Unavailable));
        Assert.That(failed.Reason, Does.Contain("containerd: task not found"));
        Assert.That(handle.State, Is.EqualTo(LifecycleState.Paused));

        using var retried = await f.AcquireAsync();
        Assert.That(retried.Status, Is.EqualTo(EndpointStatus.Ready));
        Assert.That(f.Lifecycle.Resume.Calls, Is.EqualTo(2));
    }

    [Test]
    public async Task Failed_start_is_unavailable_for_every_waiter_and_leaves_the_function_stopped()
    {
        var f = new ScalingFixture();
        var handle = f.Add(LifecycleState.Stopped);
        f.Lifecycle.Start.Hold();

        var requests = Enumerable.Range(0, 3).Select(_ => f.AcquireAsync().AsTask()).ToList();
        f.Lifecycle.Start.Fail(new InvalidOperationException("port 8080 never opened"));
        var leases = await Task.WhenAll(requests).WaitAsync(ScalingFixture.Safety);

        Assert.That(leases.Select(l => l.Status), Is.All.EqualTo(EndpointStatus.Unavailable));
        Assert.That(leases[0].Reason, Does.Contain("port 8080 never opened"));
        Assert.That(handle.State, Is.EqualTo(LifecycleState.Stopped));
        Assert.That(f.Lifecycle.Start.Calls, Is.EqualTo(1));
    }

    [Test]
    public async Task Runtime_call_that_hangs_past_its_timeout_is_cancelled_and_retried()
    {
        var f = new ScalingFixture(o =>
        {
            o.OperationTimeout = TimeSpan.FromSeconds(10);
            o.WakeTimeout = TimeSpan.FromSeconds(30);
        });
        var handle = f.Add(LifecycleState.Paused);
        f.Lifecycle.Resume.Hold();

        var request = f.AcquireAsync().AsTask();
        f.Time.Advance(TimeSpan.FromSeconds(10));
        var lease = await request.WaitAsync(ScalingFixture.Safety);

        Assert.That(lease.Status, Is.EqualTo(EndpointStatus.Unavailable));
        Assert.That(lease.Reason, Does.Contain("resume did not finish within 10s"));
        Assert.That(handle.State, Is.EqualTo(LifecycleState.Paused));

        f.Lifecycle.Resume.Release();
        using var next = await f.AcquireAsync();
        Assert.That(next.Status, Is.EqualTo(EndpointStatus.Ready));
    }

    [Test]
    public async Task A_waiter_that_gives_up_does_not_cancel_the_wake_for_the_others()
    {
        var f = new ScalingFixture();
        f.Add(LifecycleState.Paused);
        f.Lifecycle.Resume.Hold();
        using var gone = new CancellationTokenSource();

        var leaving = f.AcquireAsync(gone.Token).AsTask();
        var staying = f.AcquireAsync().AsTask();
        await gone.CancelAsync();

        Assert.That(async () => await leaving.WaitAsync(ScalingFixture.Safety), Throws.InstanceOf<OperationCanceledException>());
        f.Lifecycle.Resume.Release();
        using var lease = await staying.WaitAsync(ScalingFixture.Safety);
        Assert.That(lease.Status, Is.EqualTo(EndpointStatus.Ready));
        Assert.That(f.Lifecycle.Resume.Calls, Is.EqualTo(1));
    }

    [Test]
    public async Task Removal_while_waiting_is_not_found()
    {
        var f = new ScalingFixture();
        f.Add(LifecycleState.Paused);
        f.Lifecycle.Resume.Hold();

        var request = f.AcquireAsync().AsTask();
        var removed = f.Registry.RemoveAsync(ScalingFixture.Key);
        var lease = await request.WaitAsync(ScalingFixture.Safety);

        Assert.That(lease.Status, Is.EqualTo(EndpointStatus.NotFound));
        Assert.That(await removed.WaitAsync(ScalingFixture.Safety), Is.True, "the cancelled resume returned");
        Assert.That((await f.AcquireAsync()).Status, Is.EqualTo(EndpointStatus.NotFound));
    }
}
