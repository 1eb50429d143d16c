using FaasD.Functions.Abstractions;
using FaasD.Functions.Scaling;
using FaasD.Functions.Waking;
using NUnit.Framework;

namespace FaasD.Functions.Tests.Waking;

public class FunctionRegistryTests
{
    [Test]
    public async Task Unknown_function_is_not_found()
    {
        var f = new ScalingFixture();

        var lease = await f.Registry.AcquireEndpointAsync("openfaas-fn", "nope", CancellationToken.None);

        Assert.That(lease.Status, Is.EqualTo(EndpointStatus.NotFound));
        Assert.That(lease.Reason, Is.EqualTo("nope.openfaas-fn not found"));
        Assert.That(f.Registry.GetStatus(new FunctionKey("openfaas-fn", "nope")), Is.Null);
    }

    [Test]
    public async Task Recovery_adopts_a_frozen_function_without_thawing_it()
    {
        var f = new ScalingFixture();

        Assert.That(f.Registry.TryAdd(ScalingFixture.Key, LifecycleState.Paused, ScalingFixture.Destination, ScalingFixture.Idle(TimeSpan.FromMinutes(5)), out var handle), Is.True);
        await new Idler(f.Registry, f.Time, Microsoft.Extensions.Logging.Abstractions.NullLogger<Idler>.Instance).SweepAsync(CancellationToken.None);

        Assert.That(f.Lifecycle.Resume.Calls, Is.Zero);
        Assert.That(handle.Status, Is.EqualTo(new FunctionScaleStatus(FunctionState.Paused, 0, 0)));

        using var lease = await f.AcquireAsync();
        Assert.That(lease.Status, Is.EqualTo(EndpointStatus.Ready));
        Assert.That(lease.DestinationPrefix, Is.EqualTo(ScalingFixture.Destination));
        Assert.That(f.Lifecycle.Resume.Calls, Is.EqualTo(1));
    }

    [Test]
    public void Initial_state_must_be_running_paused_or_stopped_with_a_destination_when_it_has_a_task()
    {
        var f = new ScalingFixture();
        var settings = ScalingFixture.Idle(TimeSpan.FromMinutes(5));

        Assert.Throws<ArgumentOutOfRangeException>(() => f.Registry.TryAdd(ScalingFixture.Key, LifecycleState.Resuming, ScalingFixture.Destination, settings, out _));
        Assert.Throws<ArgumentNullException>(() => f.Registry.TryAdd(ScalingFixture.Key, LifecycleState.Running, null, settings, out _));
        Assert.That(f.Registry.TryAdd(ScalingFixture.Key, LifecycleState.Stopped, null, settings, out var stopped), Is.True);
        Assert.That(stopped.Status, Is.EqualTo(new FunctionScaleStatus(FunctionState.Stopped, 0, 0)));
    }

    [Test]
    public void Adding_twice_returns_the_existing_handle()
    {
        var f = new ScalingFixture();
        var first = f.Add(LifecycleState.Running);

        Assert.That(f.Registry.TryAdd(ScalingFixture.Key, LifecycleState.Stopped, null, ScalingFixture.Idle(TimeSpan.FromMinutes(1)), out var existing), Is.False);
        Assert.That(existing, Is.SameAs(first));
        Assert.That(existing.State, Is.EqualTo(LifecycleState.Running));
        Assert.Throws<InvalidOperationException>(() => f.Registry.Add(ScalingFixture.Key, LifecycleState.Stopped, null, ScalingFixture.Idle(TimeSpan.FromMinutes(1))));
        Assert.That(f.Registry.Count, Is.EqualTo(1));
        Assert.That(f.Registry.Handles, Is.EquivalentTo(new[] { first }));
    }

    [Test]
    public async Task Replace_swaps_destination_and_settings_in_place()
    {
        var f = new ScalingFixture();
        var handle = f.Add(LifecycleState.Running);
        var inflight = await f.AcquireAsync();
        var newSettings = new ScaleToZeroSettings(false, TimeSpan.FromMinutes(9), null);

        var replaced = f.Registry.Replace(ScalingFixture.Key, LifecycleState.Running, "http://10.62.0.42:8080", newSettings);

        Assert.That(replaced, Is.SameAs(handle));
        Assert.That(handle.Settings, Is.EqualTo(newSettings));
        using (var lease = await f.AcquireAsync())
        {
            Assert.That(lease.DestinationPrefix, Is.EqualTo("http://10.62.0.42:8080"));
        }

        Assert.That(handle.InFlight, Is.EqualTo(1), "requests to the old task are still counted");
        inflight.Dispose();
        Assert.That(handle.InFlight, Is.Zero);
    }

    [Test]
    public async Task Replace_while_requests_wait_for_a_wake_sends_them_to_the_new_task()
    {
        var f = new ScalingFixture();
        f.Add(LifecycleState.Paused);
        f.Lifecycle.Resume.Hold();
        var waiting = f.AcquireAsync().AsTask();

        f.Registry.Replace(ScalingFixture.Key, LifecycleState.Running, "http://10.62.0.42:8080", ScalingFixture.Idle(TimeSpan.FromMinutes(5)));
        using var lease = await waiting.WaitAsync(ScalingFixture.Safety);

        Assert.That(lease.Status, Is.EqualTo(EndpointStatus.Ready));
        Assert.That(lease.DestinationPrefix, Is.EqualTo("http://10.62.0.42:8080"));

        // The abandoned resume's late result does not overwrite the new state.
        f.Lifecycle.Resume.Release();
        Assert.That(f.Registry.GetStatus(ScalingFixture.Key), Is.EqualTo(new FunctionScaleStatus(FunctionState.Running, 1, 1)));
    }

    [Test]
    public async Task Remove_makes_requests_not_found_and_a_new_add_starts_fresh()
    {
        var f = new ScalingFixture();
        var old = f.Add(LifecycleState.Running);

        Assert.That(await f.Registry.RemoveAsync(ScalingFixture.Key), Is.True);
        Assert.That(await f.Registry.RemoveAsync(ScalingFixture.Key), Is.False);
        Assert.That(old.State, Is.EqualTo(LifecycleState.Removed));
        Assert.That((await f.AcquireAsync()).Status, Is.EqualTo(EndpointStatus.NotFound));
        Assert.That((await old.AcquireAsync(CancellationToken.None)).Status, Is.EqualTo(EndpointStatus.NotFound));

        var fresh = f.Registry.Replace(ScalingFixture.Key, LifecycleState.Running, ScalingFixture.Destination, ScalingFixture.Idle(TimeSpan.FromMinutes(5)));
        Assert.That(fresh, Is.Not.SameAs(old));
        using var lease = await f.AcquireAsync();
        Assert.That(lease.Status, Is.EqualTo(EndpointStatus.Ready));
    }

    [Test]
    public async Task Remove_completes_after_the_runtime_call_in_progress_returns()
    {
        var f = new ScalingFixture();
        f.Add(LifecycleState.Stopped);
        f.Lifecycle.Start.Hold();
        var waiting = f.AcquireAsync().AsTask();
        await f.Lifecycle.Start.Called.WaitAsync(ScalingFixture.Safety);

        var removed = f.Registry.RemoveAsync(ScalingFixture.Key);

        Assert.That(await removed.WaitAsync(ScalingFixture.Safety), Is.True);
        Assert.That((await waiting.WaitAsync(ScalingFixture.Safety)).Status, Is.EqualTo(EndpointStatus.NotFound));
    }
}
