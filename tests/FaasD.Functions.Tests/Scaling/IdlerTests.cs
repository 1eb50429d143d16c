using FaasD.Functions.Abstractions;
using FaasD.Functions.Scaling;
using FaasD.Functions.Tests.Waking;
using FaasD.Functions.Waking;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;

namespace FaasD.Functions.Tests.Scaling;

/// <summary>Idle detection on a fake clock: no test waits for real time to pass.</summary>
public class IdlerTests
{
    private static Idler IdlerFor(ScalingFixture f) => new(f.Registry, f.Time, NullLogger<Idler>.Instance);

    [Test]
    public async Task Idle_function_is_paused_after_its_idle_duration_and_not_before()
    {
        var f = new ScalingFixture();
        var handle = f.Add(LifecycleState.Running, ScalingFixture.Idle(TimeSpan.FromMinutes(5)));
        var idler = IdlerFor(f);

        f.Time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.That(await idler.SweepAsync(CancellationToken.None), Is.Zero);
        Assert.That(handle.State, Is.EqualTo(LifecycleState.Running));

        f.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(await idler.SweepAsync(CancellationToken.None), Is.EqualTo(1));
        Assert.That(handle.State, Is.EqualTo(LifecycleState.Paused));
        Assert.That(f.Lifecycle.Pause.Calls, Is.EqualTo(1));
        Assert.That(handle.Status, Is.EqualTo(new FunctionScaleStatus(FunctionState.Paused, 0, 0)));
    }

    [Test]
    public async Task Function_with_a_request_in_flight_is_not_paused()
    {
        var f = new ScalingFixture();
        var handle = f.Add(LifecycleState.Running, ScalingFixture.Idle(TimeSpan.FromMinutes(5)));
        var idler = IdlerFor(f);

        var lease = await f.AcquireAsync();
        f.Time.Advance(TimeSpan.FromMinutes(30));
        Assert.That(await idler.SweepAsync(CancellationToken.None), Is.Zero);
        Assert.That(handle.State, Is.EqualTo(LifecycleState.Running));

        // The idle clock starts when the request ends.
        lease.Dispose();
        f.Time.Advance(TimeSpan.FromMinutes(4));
        Assert.That(await idler.SweepAsync(CancellationToken.None), Is.Zero);
        f.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.That(await idler.SweepAsync(CancellationToken.None), Is.EqualTo(1));
        Assert.That(f.Lifecycle.Pause.Calls, Is.EqualTo(1));
    }

    [Test]
    public async Task Function_without_scale_to_zero_is_never_paused()
    {
        var f = new ScalingFixture();
        var handle = f.Add(LifecycleState.Running, new ScaleToZeroSettings(false, TimeSpan.FromMinutes(1), null));

        f.Time.Advance(TimeSpan.FromDays(1));
        await IdlerFor(f).SweepAsync(CancellationToken.None);

        Assert.That(handle.State, Is.EqualTo(LifecycleState.Running));
        Assert.That(f.Lifecycle.Pause.Calls, Is.Zero);
    }

    [Test]
    public async Task Request_during_pausing_waits_for_the_pause_then_resumes()
    {
        var f = new ScalingFixture();
        var handle = f.Add(LifecycleState.Running);
        f.Lifecycle.Pause.Hold();
        f.Time.Advance(TimeSpan.FromMinutes(5));

        var sweep = IdlerFor(f).SweepAsync(CancellationToken.None);
        Assert.That(handle.State, Is.EqualTo(LifecycleState.Pausing));
        var requests = Enumerable.Range(0, 5).Select(_ => f.AcquireAsync().AsTask()).ToList();
        Assert.That(requests.Select(r => r.IsCompleted), Is.All.False, "no request is sent to a function being frozen");

        f.Lifecycle.Pause.Release();
        await sweep.WaitAsync(ScalingFixture.Safety);
        var leases = await Task.WhenAll(requests).WaitAsync(ScalingFixture.Safety);

        Assert.That(leases.Select(l => l.Status), Is.All.EqualTo(EndpointStatus.Ready));
        Assert.That(f.Lifecycle.Pause.Calls, Is.EqualTo(1));
        Assert.That(f.Lifecycle.Resume.Calls, Is.EqualTo(1));
        Assert.That(handle.State, Is.EqualTo(LifecycleState.Running));
    }

    [Test]
    public async Task Failed_pause_returns_the_function_to_running()
    {
        var f = new ScalingFixture();
        var handle = f.Add(LifecycleState.Running);
        var idler = IdlerFor(f);
        f.Lifecycle.Pause.Fail(new InvalidOperationException("freezer busy"));
        f.Time.Advance(TimeSpan.FromMinutes(5));

        Assert.That(await idler.SweepAsync(CancellationToken.None), Is.EqualTo(1));

        Assert.That(handle.State, Is.EqualTo(LifecycleState.Running));
        var logged = f.Logs.Entries.Single(e => e.Level == LogLevel.Warning);
        Assert.That(logged.Message, Is.EqualTo("figlet.openfaas-fn: Pause failed after 0 ms"));
        Assert.That(logged.Exception?.Message, Is.EqualTo("freezer busy"));
        using (var lease = await f.AcquireAsync())
        {
            Assert.That(lease.Status, Is.EqualTo(EndpointStatus.Ready));
        }

        // Tried again after another idle duration, not on every check.
        Assert.That(await idler.SweepAsync(CancellationToken.None), Is.Zero);
        f.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.That(await idler.SweepAsync(CancellationToken.None), Is.EqualTo(1));
        Assert.That(handle.State, Is.EqualTo(LifecycleState.Paused));
        Assert.That(f.Lifecycle.Resume.Calls, Is.Zero);
    }

    [Test]
    public async Task Paused_function_is_stopped_after_stop_after_and_cold_started_by_the_next_request()
    {
        var f = new ScalingFixture();
        var handle = f.Add(LifecycleState.Running, ScalingFixture.Idle(TimeSpan.FromMinutes(5), stopAfter: TimeSpan.FromHours(1)));
        var idler = IdlerFor(f);

        f.Time.Advance(TimeSpan.FromMinutes(5));
        await idler.SweepAsync(CancellationToken.None);
        Assert.That(handle.State, Is.EqualTo(LifecycleState.Paused));

        f.Time.Advance(TimeSpan.FromMinutes(59));
        Assert.That(await idler.SweepAsync(CancellationToken.None), Is.Zero);
        f.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.That(await idler.SweepAsync(CancellationToken.None), Is.EqualTo(1));
        Assert.That(handle.State, Is.EqualTo(LifecycleState.Stopped));
        Assert.That(f.Lifecycle.Stop.Calls, Is.EqualTo(1));
        Assert.That(handle.Status, Is.EqualTo(new FunctionScaleStatus(FunctionState.Stopped, 0, 0)));

        using var lease = await f.AcquireAsync();
        Assert.That(lease.Status, Is.EqualTo(EndpointStatus.Ready));
        Assert.That(lease.DestinationPrefix, Is.EqualTo(f.Lifecycle.StartDestination));
        Assert.That(f.Lifecycle.Start.Calls, Is.EqualTo(1));
        Assert.That(f.Lifecycle.Resume.Calls, Is.Zero);
    }

    [Test]
    public async Task Failed_stop_leaves_the_function_paused_and_resumable()
    {
        var f = new ScalingFixture();
        var handle = f.Add(LifecycleState.Paused, ScalingFixture.Idle(TimeSpan.FromMinutes(5), stopAfter: TimeSpan.FromMinutes(30)));
        f.Lifecycle.Stop.Fail(new InvalidOperationException("kill failed"));

        f.Time.Advance(TimeSpan.FromMinutes(30));
        await IdlerFor(f).SweepAsync(CancellationToken.None);

        Assert.That(handle.State, Is.EqualTo(LifecycleState.Paused));
        using var lease = await f.AcquireAsync();
        Assert.That(lease.Status, Is.EqualTo(EndpointStatus.Ready));
        Assert.That(f.Lifecycle.Resume.Calls, Is.EqualTo(1));
    }

    [Test]
    public async Task Request_during_stopping_waits_then_starts()
    {
        var f = new ScalingFixture();
        var handle = f.Add(LifecycleState.Paused, ScalingFixture.Idle(TimeSpan.FromMinutes(5), stopAfter: TimeSpan.FromMinutes(30)));
        f.Lifecycle.Stop.Hold();
        f.Time.Advance(TimeSpan.FromMinutes(30));

        var sweep = IdlerFor(f).SweepAsync(CancellationToken.None);
        Assert.That(handle.State, Is.EqualTo(LifecycleState.Stopping));
        var request = f.AcquireAsync().AsTask();
        f.Lifecycle.Stop.Release();
        await sweep.WaitAsync(ScalingFixture.Safety);
        using var lease = await request.WaitAsync(ScalingFixture.Safety);

        Assert.That(lease.Status, Is.EqualTo(EndpointStatus.Ready));
        Assert.That(lease.DestinationPrefix, Is.EqualTo(f.Lifecycle.StartDestination));
        Assert.That(f.Lifecycle.Start.Calls, Is.EqualTo(1));
        Assert.That(f.Lifecycle.Resume.Calls, Is.Zero);
    }

    [Test]
    public async Task Run_checks_on_every_tick_of_the_fake_clock()
    {
        var f = new ScalingFixture(o => o.IdleCheckInterval = TimeSpan.FromSeconds(1));
        var handle = f.Add(LifecycleState.Running, ScalingFixture.Idle(TimeSpan.FromMinutes(5)));
        using var idler = IdlerFor(f);
        using var stop = new CancellationTokenSource();
        var run = idler.RunAsync(stop.Token);

        f.Time.Advance(TimeSpan.FromMinutes(5));
        await f.Lifecycle.Pause.Called.WaitAsync(ScalingFixture.Safety);
        await stop.CancelAsync();
        await run.WaitAsync(ScalingFixture.Safety);

        Assert.That(f.Lifecycle.Pause.Calls, Is.EqualTo(1));
        Assert.That(handle.State, Is.AnyOf(LifecycleState.Pausing, LifecycleState.Paused));
    }

    [Test]
    public async Task Hosted_idler_starts_and_stops_with_the_host()
    {
        var f = new ScalingFixture();
        using var idler = IdlerFor(f);

        await idler.StartAsync(CancellationToken.None);
        await idler.StopAsync(CancellationToken.None).WaitAsync(ScalingFixture.Safety);

        Assert.That(idler.ExecuteTask, Is.Not.Null);
        Assert.That(idler.ExecuteTask!.IsCompleted, Is.True, "cancellation stops the loop");
    }
}
