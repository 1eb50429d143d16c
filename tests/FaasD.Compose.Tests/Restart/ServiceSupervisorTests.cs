using FaasD.Compose.Restart;
using FaasD.Compose.Tests.Running;
using FaasD.Runtime;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace FaasD.Compose.Tests.Restart;

/// <summary>Restart policy and backoff over a fake runtime and a fake clock: no test here sleeps for a backoff.</summary>
public sealed class ServiceSupervisorTests
{
    private const string Ns = "openfaas-test";

    [Test]
    public async Task AlwaysRestartsAfterTheBackoffAndNotBefore()
    {
        await using var run = await SupervisedAsync("always");
        run.Crash(exitCode: 137);

        await run.WaitForPendingAsync(TimeSpan.FromSeconds(1));
        run.Clock.Advance(TimeSpan.FromMilliseconds(999));
        await Task.Delay(50);
        Assert.That(run.Starts, Is.EqualTo(1), "restarted before the backoff elapsed");

        run.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await run.WaitForStartsAsync(2);
        Assert.Multiple(() =>
        {
            Assert.That(run.Fixture.Runtime.StateOf(Ns, "db"), Is.EqualTo(TaskState.Running));
            Assert.That(run.Fixture.HostsText(), Does.Contain($"{run.Fixture.Addresses.Find("db")}\tdb"), "hosts file follows the new IP");
        });
    }

    [Test]
    public async Task QuickCrashesBackOffExponentially()
    {
        await using var run = await SupervisedAsync("always");
        var seen = new List<TimeSpan>();
        for (var i = 0; i < 4; i++)
        {
            run.Crash(exitCode: 1);
            var delay = await run.WaitForPendingAsync(expected: null);
            seen.Add(delay);
            run.Clock.Advance(delay);
            await run.WaitForStartsAsync(i + 2);
        }

        Assert.That(seen.Select(d => d.TotalSeconds), Is.EqualTo(new[] { 1d, 2, 4, 8 }));
    }

    [Test]
    public async Task NoLeavesTheServiceDownAndOutOfTheHostsFile()
    {
        await using var run = await SupervisedAsync("\"no\"");
        run.Crash(exitCode: 1);
        await WaitUntilAsync(() => !run.Fixture.HostsText().Contains("\tdb", StringComparison.Ordinal));
        run.Clock.Advance(TimeSpan.FromMinutes(5));
        await Task.Delay(50);
        Assert.That(run.Starts, Is.EqualTo(1));
    }

    [Test]
    public async Task OnFailureIgnoresCleanExits()
    {
        await using var run = await SupervisedAsync("on-failure");
        run.Crash(exitCode: 0);
        await WaitUntilAsync(() => !run.Fixture.HostsText().Contains("\tdb", StringComparison.Ordinal));
        run.Clock.Advance(TimeSpan.FromMinutes(5));
        await Task.Delay(50);
        Assert.That(run.Starts, Is.EqualTo(1));
    }

    [Test]
    public async Task FailedRestartIsRetriedWithLongerDelay()
    {
        await using var run = await SupervisedAsync("always");
        run.Fixture.Runtime.FailingStarts["db"] = true;
        run.Crash(exitCode: 2);
        run.Clock.Advance(await run.WaitForPendingAsync(TimeSpan.FromSeconds(1)));
        await WaitUntilAsync(() => run.Supervisor.PendingRestart("db") == TimeSpan.FromSeconds(2));

        run.Fixture.Runtime.FailingStarts.Clear();
        run.Clock.Advance(TimeSpan.FromSeconds(2));
        await run.WaitForStartsAsync(2);
    }

    [Test]
    public async Task ExitsOfOtherNamespacesAreIgnored()
    {
        await using var run = await SupervisedAsync("always");
        run.Fixture.Runtime.SetTask("openfaas-fn", "db", TaskState.Running);
        run.Fixture.Runtime.Exit("openfaas-fn", "db", 1, run.Clock.GetUtcNow());
        await Task.Delay(50);
        Assert.That(run.Supervisor.PendingRestart("db"), Is.Null);
    }

    private static async Task<SupervisedRun> SupervisedAsync(string restart)
    {
        var run = new SupervisedRun();
        var project = run.Fixture.Parse($"services:\n  db:\n    image: redis\n    restart: {restart}\n");
        await run.Fixture.Project.UpAsync(project, CancellationToken.None);
        run.Supervisor.Track(project.Services);
        run.Start();
        return run;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("condition not reached within 10s");
            }

            await Task.Delay(10);
        }
    }

    private sealed class SupervisedRun : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task _loop = Task.CompletedTask;

        public SupervisedRun()
        {
            Supervisor = new ServiceSupervisor(
                Fixture.Runtime, Fixture.Runner, Fixture.Addresses, Fixture.Options, Clock, NullLogger<ServiceSupervisor>.Instance);
        }

        public ServiceRunnerFixture Fixture { get; } = new();
        public FakeTimeProvider Clock { get; } = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        public ServiceSupervisor Supervisor { get; }

        public int Starts => Fixture.Runtime.CallsOf("start").Count;

        public void Start() => _loop = Supervisor.RunAsync(_stop.Token);

        public void Crash(uint exitCode) => Fixture.Runtime.Exit(Ns, "db", exitCode, Clock.GetUtcNow());

        public async Task<TimeSpan> WaitForPendingAsync(TimeSpan? expected)
        {
            await WaitUntilAsync(() => Supervisor.PendingRestart("db") is not null);
            var pending = Supervisor.PendingRestart("db")!.Value;
            if (expected is not null)
            {
                Assert.That(pending, Is.EqualTo(expected));
            }

            return pending;
        }

        /// <summary>Until the count-th start happened and its address reached the hosts file (the last step of a restart).</summary>
        public Task WaitForStartsAsync(int count) =>
            WaitUntilAsync(() => Starts >= count
                && Fixture.Runtime.AddressOf(Ns, "db") is { } address
                && Fixture.HostsText().Contains($"{address}\tdb", StringComparison.Ordinal));

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
            }

            _stop.Dispose();
            Fixture.Dispose();
        }
    }
}
