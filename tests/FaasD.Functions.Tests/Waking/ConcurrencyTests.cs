using FaasD.Functions.Abstractions;
using FaasD.Functions.Scaling;
using FaasD.Functions.Waking;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace FaasD.Functions.Tests.Waking;

/// <summary>
/// Requests racing an idler that pauses as often as it can: no request is ever handed a frozen function and no
/// pause ever starts under a request. Bounded by iterations, not by time.
/// </summary>
public class ConcurrencyTests
{
    private const int Workers = 3;

    [Test]
    public async Task Requests_racing_the_idler_never_reach_a_frozen_function()
    {
        var time = new FakeTimeProvider();
        var lifecycle = new FreezerCheckingLifecycle();
        var options = new ScaleToZeroOptions { WakeTimeout = TimeSpan.FromDays(1), OperationTimeout = TimeSpan.FromDays(1) };
        var registry = new FunctionRegistry(lifecycle, options, time);
        var handle = registry.Add(ScalingFixture.Key, LifecycleState.Running, ScalingFixture.Destination, new ScaleToZeroSettings(true, TimeSpan.Zero, null)); // pause whenever nothing is in flight
        using var idler = new Idler(registry, time, NullLogger<Idler>.Instance);
        var workersDone = 0;
        var sweeps = 0;
        var sweeping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async Task WorkerAsync()
        {
            await sweeping.Task;
            for (var i = 0; i < 5000 && lifecycle.Pauses < 500; i++)
            {
                using (var lease = await registry.AcquireEndpointAsync(ScalingFixture.Key.Namespace, ScalingFixture.Key.Name, CancellationToken.None))
                {
                    lifecycle.RequestStarted(lease.Status);
                    if (i % 3 == 0)
                    {
                        await Task.Yield();
                    }

                    lifecycle.RequestEnding();
                }

                // A gap between requests, so that the idler finds moments with nothing in flight.
                await Task.Yield();
            }

            Interlocked.Increment(ref workersDone);
        }

        async Task SweeperAsync()
        {
            sweeping.SetResult();
            while (Volatile.Read(ref workersDone) < Workers)
            {
                time.Advance(TimeSpan.FromMilliseconds(1));
                await idler.SweepAsync(CancellationToken.None);
                Interlocked.Increment(ref sweeps);
                await Task.Yield();
            }
        }

        var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(WorkerAsync)).ToList();
        await Task.WhenAll([.. workers, Task.Run(SweeperAsync)]).WaitAsync(TimeSpan.FromSeconds(60));

        TestContext.Out.WriteLine($"{sweeps} sweeps, {lifecycle.Pauses} pauses, {lifecycle.Resumes} resumes, in flight {handle.InFlight}, {handle.State}");
        Assert.That(lifecycle.Violations, Is.Empty);
        Warn.Unless(lifecycle.Pauses, Is.Positive, "the idler never got to pause between requests: nothing raced");
        Assert.That(lifecycle.Resumes, Is.EqualTo(lifecycle.Pauses).Or.EqualTo(lifecycle.Pauses - 1));
    }

    private sealed class FreezerCheckingLifecycle : IFunctionLifecycle
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _violations = new();
        private int _frozen;
        private int _active;
        private int _pauses;
        private int _resumes;

        public IReadOnlyCollection<string> Violations => _violations;

        public int Pauses => Volatile.Read(ref _pauses);

        public int Resumes => Volatile.Read(ref _resumes);

        public void RequestStarted(EndpointStatus status)
        {
            if (status != EndpointStatus.Ready)
            {
                _violations.Enqueue($"request got {status}");
            }

            Interlocked.Increment(ref _active);
            if (Volatile.Read(ref _frozen) != 0)
            {
                _violations.Enqueue("request handed a frozen function");
            }
        }

        public void RequestEnding()
        {
            if (Volatile.Read(ref _frozen) != 0)
            {
                _violations.Enqueue("function frozen under a request");
            }

            Interlocked.Decrement(ref _active);
        }

        public async Task PauseAsync(FunctionKey key, string containerId, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _pauses);
            if (Volatile.Read(ref _active) != 0)
            {
                _violations.Enqueue("pause began with a request in flight");
            }

            if (Interlocked.Exchange(ref _frozen, 1) != 0)
            {
                _violations.Enqueue("paused twice");
            }

            await Task.Yield();
        }

        public async Task ResumeAsync(FunctionKey key, string containerId, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _resumes);
            await Task.Yield();
            if (Interlocked.Exchange(ref _frozen, 0) != 1)
            {
                _violations.Enqueue("resumed a function that was not frozen");
            }
        }

        public Task<string> StartAsync(FunctionKey key, CancellationToken cancellationToken) =>
            Task.FromException<string>(new InvalidOperationException("never stopped, never started"));

        public Task StopAsync(FunctionKey key, CancellationToken cancellationToken) =>
            Task.FromException(new InvalidOperationException("no stop-after configured"));
    }
}
