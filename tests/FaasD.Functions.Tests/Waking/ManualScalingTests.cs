using FaasD.Functions.Abstractions;
using FaasD.Functions.Scaling;
using FaasD.Functions.Waking;
using NUnit.Framework;

namespace FaasD.Functions.Tests.Waking;

/// <summary>Scale to 0 and back by API call (replicas 0 / 1).</summary>
public class ManualScalingTests
{
    [Test]
    public async Task Scale_to_zero_pauses_now_and_scale_up_resumes()
    {
        var f = new ScalingFixture();
        var handle = f.Add(LifecycleState.Running, new ScaleToZeroSettings(false, TimeSpan.FromMinutes(5), null));

        await f.Registry.ScaleToZeroAsync(ScalingFixture.Key, CancellationToken.None);
        Assert.That(f.Registry.GetStatus(ScalingFixture.Key), Is.EqualTo(new FunctionScaleStatus(FunctionState.Paused, 0, 0)));
        Assert.That(f.Lifecycle.Pause.Calls, Is.EqualTo(1));

        await f.Registry.ScaleToZeroAsync(ScalingFixture.Key, CancellationToken.None);
        Assert.That(f.Lifecycle.Pause.Calls, Is.EqualTo(1), "already paused: nothing to do");

        await f.Registry.ScaleUpAsync(ScalingFixture.Key, CancellationToken.None);
        Assert.That(f.Registry.GetStatus(ScalingFixture.Key), Is.EqualTo(new FunctionScaleStatus(FunctionState.Running, 1, 1)));
        Assert.That(f.Lifecycle.Resume.Calls, Is.EqualTo(1));

        await f.Registry.ScaleUpAsync(ScalingFixture.Key, CancellationToken.None);
        Assert.That(f.Lifecycle.Resume.Calls, Is.EqualTo(1), "already running: nothing to do");
        Assert.That(handle.State, Is.EqualTo(LifecycleState.Running));
    }

    [Test]
    public async Task Scale_up_starts_a_stopped_function()
    {
        var f = new ScalingFixture();
        var handle = f.Add(LifecycleState.Stopped);

        await f.Registry.ScaleUpAsync(ScalingFixture.Key, CancellationToken.None);

        Assert.That(handle.State, Is.EqualTo(LifecycleState.Running));
        Assert.That(handle.DestinationPrefix, Is.EqualTo(f.Lifecycle.StartDestination));
        Assert.That(f.Lifecycle.Start.Calls, Is.EqualTo(1));
    }

    [Test]
    public async Task Scale_up_keeps_the_function_awake_for_an_idle_duration()
    {
        var f = new ScalingFixture();
        f.Add(LifecycleState.Paused, ScalingFixture.Idle(TimeSpan.FromMinutes(5)));
        f.Time.Advance(TimeSpan.FromHours(1));

        await f.Registry.ScaleUpAsync(ScalingFixture.Key, CancellationToken.None);
        var idler = new Idler(f.Registry, f.Time, Microsoft.Extensions.Logging.Abstractions.NullLogger<Idler>.Instance);

        Assert.That(await idler.SweepAsync(CancellationToken.None), Is.Zero);
    }

    [Test]
    public async Task Scale_to_zero_waits_for_requests_in_flight_to_end()
    {
        var f = new ScalingFixture();
        var handle = f.Add(LifecycleState.Running);
        var first = await f.AcquireAsync();
        var second = await f.AcquireAsync();

        var scaling = f.Registry.ScaleToZeroAsync(ScalingFixture.Key, CancellationToken.None);
        Assert.That(scaling.IsCompleted, Is.False);
        first.Dispose();
        Assert.That(scaling.IsCompleted, Is.False);
        Assert.That(f.Lifecycle.Pause.Calls, Is.Zero, "never frozen under a request");
        second.Dispose();
        await scaling.WaitAsync(ScalingFixture.Safety);

        Assert.That(handle.State, Is.EqualTo(LifecycleState.Paused));
        Assert.That(f.Lifecycle.Pause.Calls, Is.EqualTo(1));
    }

    [Test]
    public async Task Scale_to_zero_gives_up_when_requests_do_not_drain()
    {
        var f = new ScalingFixture(o => o.DrainTimeout = TimeSpan.FromSeconds(30));
        var handle = f.Add(LifecycleState.Running);
        using var lease = await f.AcquireAsync();

        var scaling = f.Registry.ScaleToZeroAsync(ScalingFixture.Key, CancellationToken.None);
        f.Time.Advance(TimeSpan.FromSeconds(30));

        var thrown = Assert.ThrowsAsync<FunctionPlatformException>(async () => await scaling.WaitAsync(ScalingFixture.Safety));
        Assert.That(thrown!.Kind, Is.EqualTo(FunctionErrorKind.Timeout));
        Assert.That(thrown.Message, Does.Contain("1 request(s) in flight after 30s"));
        Assert.That(handle.State, Is.EqualTo(LifecycleState.Running));
        Assert.That(f.Lifecycle.Pause.Calls, Is.Zero);
    }

    [Test]
    public async Task Failed_manual_pause_is_unavailable_and_the_function_keeps_serving()
    {
        var f = new ScalingFixture();
        var handle = f.Add(LifecycleState.Running);
        f.Lifecycle.Pause.Fail(new InvalidOperationException("freezer busy"));

        var thrown = Assert.ThrowsAsync<FunctionPlatformException>(() => f.Registry.ScaleToZeroAsync(ScalingFixture.Key, CancellationToken.None));

        Assert.That(thrown!.Kind, Is.EqualTo(FunctionErrorKind.Unavailable));
        Assert.That(thrown.Message, Does.Contain("freezer busy"));
        Assert.That(handle.State, Is.EqualTo(LifecycleState.Running));
        using var lease = await f.AcquireAsync();
        Assert.That(lease.Status, Is.EqualTo(EndpointStatus.Ready));
    }

    [Test]
    public void Failed_manual_wake_is_unavailable()
    {
        var f = new ScalingFixture();
        f.Add(LifecycleState.Paused);
        f.Lifecycle.Resume.Fail(new InvalidOperationException("thaw failed"));

        var thrown = Assert.ThrowsAsync<FunctionPlatformException>(() => f.Registry.ScaleUpAsync(ScalingFixture.Key, CancellationToken.None));

        Assert.That(thrown!.Kind, Is.EqualTo(FunctionErrorKind.Unavailable));
        Assert.That(thrown.Message, Does.Contain("thaw failed"));
    }

    [Test]
    public void Scaling_an_unknown_function_is_not_found()
    {
        var f = new ScalingFixture();

        var down = Assert.ThrowsAsync<FunctionPlatformException>(() => f.Registry.ScaleToZeroAsync(ScalingFixture.Key, CancellationToken.None));
        var up = Assert.ThrowsAsync<FunctionPlatformException>(() => f.Registry.ScaleUpAsync(ScalingFixture.Key, CancellationToken.None));

        Assert.That(down!.Kind, Is.EqualTo(FunctionErrorKind.NotFound));
        Assert.That(up!.Kind, Is.EqualTo(FunctionErrorKind.NotFound));
    }
}
