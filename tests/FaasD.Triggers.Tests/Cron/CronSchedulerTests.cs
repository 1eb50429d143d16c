using FaasD.Invocation;
using FaasD.Triggers.Annotations;
using FaasD.Triggers.Cron;
using FaasD.Triggers.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace FaasD.Triggers.Tests.Cron;

internal sealed class CronSchedulerTests
{
    private static readonly TriggerKey Job = new("openfaas-fn", "nightly");

    private FakeTimeProvider _time = null!;
    private RecordingInvoker _invoker = null!;
    private RecordingQueue _queue = null!;
    private CronScheduler _scheduler = null!;

    [SetUp]
    public async Task StartScheduler()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 6, 10, 0, 0, TimeSpan.Zero));
        _invoker = new RecordingInvoker();
        _queue = new RecordingQueue();
        await StartAsync(Dispatchers.Create(_invoker, _time));
    }

    [TearDown]
    public async Task StopScheduler()
    {
        await _scheduler.StopAsync(CancellationToken.None);
        _scheduler.Dispose();
    }

    private async Task StartAsync(FaasD.Triggers.Dispatch.TriggerDispatcher dispatcher)
    {
        _scheduler = new CronScheduler(dispatcher, _time, NullLogger<CronScheduler>.Instance);
        await _scheduler.StartAsync(CancellationToken.None);
    }

    private static FunctionTriggers Cron(string expression, bool overlap = false, bool asynchronous = false)
    {
        var annotations = new Dictionary<string, string>
        {
            ["topic"] = "cron-function",
            ["schedule"] = expression,
            ["faasd.cron.overlap"] = overlap ? "true" : "false",
            ["asynchronous_invocation"] = asynchronous ? "true" : "false",
        };
        Assert.That(TriggerAnnotations.TryParse(annotations, TimeZoneInfo.Utc, natsEnabled: false, out var triggers, out var error), Is.True, error);
        return triggers;
    }

    private CronJobSnapshot Snapshot() => _scheduler.Snapshot().Single();

    /// <summary>
    /// Moves the fake clock forward one second at a time and waits until the scheduler has dealt with each instant
    /// (its next run lies beyond "now"), so nothing is left unprocessed when the test looks at the calls.
    /// </summary>
    private async Task AdvanceAsync(TimeSpan total)
    {
        var step = TimeSpan.FromSeconds(1);
        for (var moved = TimeSpan.Zero; moved < total; moved += step)
        {
            _time.Advance(step);
            await Eventually.TrueAsync(() => _scheduler.Snapshot().All(j => j.Next is null || j.Next > _time.GetUtcNow()), "the scheduler to catch up");
        }
    }

    [Test]
    public async Task A_schedule_fires_on_time_with_the_cron_connector_headers_and_an_empty_body()
    {
        _scheduler.Set(Job, Cron("@every 2s"));
        Assert.That(Snapshot().Next, Is.EqualTo(_time.GetUtcNow() + TimeSpan.FromSeconds(2)));

        await AdvanceAsync(TimeSpan.FromSeconds(6));
        await Eventually.TrueAsync(() => _invoker.Count == 3, "three runs");

        var call = _invoker.Calls[0];
        Assert.Multiple(() =>
        {
            Assert.That(call.Namespace, Is.EqualTo("openfaas-fn"));
            Assert.That(call.Name, Is.EqualTo("nightly"));
            Assert.That(call.Method, Is.EqualTo("POST"));
            Assert.That(call.Body.Length, Is.Zero);
            Assert.That(call.Headers, Does.Contain(new KeyValuePair<string, string>("X-Topic", "cron-function")));
            Assert.That(call.Headers, Does.Contain(new KeyValuePair<string, string>("X-Connector", "cron-connector")));
        });
    }

    [Test]
    public async Task A_five_field_schedule_fires_at_its_minute()
    {
        _scheduler.Set(Job, Cron("5 10 * * *"));
        Assert.That(Snapshot().Next, Is.EqualTo(new DateTimeOffset(2026, 3, 6, 10, 5, 0, TimeSpan.Zero)));

        await AdvanceAsync(TimeSpan.FromMinutes(4));
        Assert.That(_invoker.Count, Is.Zero);
        await AdvanceAsync(TimeSpan.FromMinutes(1));
        await Eventually.TrueAsync(() => _invoker.Count == 1, "the 10:05 run");
        Assert.That(Snapshot().Next, Is.EqualTo(new DateTimeOffset(2026, 3, 7, 10, 5, 0, TimeSpan.Zero)));
    }

    [Test]
    public async Task A_run_is_skipped_while_the_previous_one_is_in_flight()
    {
        var release = new TaskCompletionSource<InvocationResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        _invoker.Handler = (_, _) => release.Task;
        _scheduler.Set(Job, Cron("@every 1s"));

        await AdvanceAsync(TimeSpan.FromSeconds(5));
        await Eventually.TrueAsync(() => Snapshot().InFlight == 1, "the first run in flight");
        Assert.That(_invoker.Count, Is.EqualTo(1), "runs 2 to 5 are skipped while run 1 is in flight");

        release.SetResult(new InvocationResponse { StatusCode = 200 });
        await Eventually.TrueAsync(() => Snapshot().InFlight == 0, "the first run to finish");
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => _invoker.Count == 2, "the next run after the first finished");
        Assert.That(Snapshot().LastStatus, Is.EqualTo(200));
    }

    [Test]
    public async Task Runs_overlap_when_the_function_opts_in()
    {
        var release = new TaskCompletionSource<InvocationResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        _invoker.Handler = (_, _) => release.Task;
        _scheduler.Set(Job, Cron("@every 1s", overlap: true));

        await AdvanceAsync(TimeSpan.FromSeconds(3));
        await Eventually.TrueAsync(() => _invoker.Count == 3, "three overlapping runs");
        Assert.That(Snapshot().InFlight, Is.EqualTo(3));
        release.SetResult(new InvocationResponse { StatusCode = 200 });
        await Eventually.TrueAsync(() => Snapshot().InFlight == 0, "all runs to finish");
    }

    [Test]
    public async Task Runs_missed_while_the_clock_jumped_are_not_replayed()
    {
        _scheduler.Set(Job, Cron("@every 1s"));
        _time.Advance(TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => Snapshot().Next > _time.GetUtcNow(), "the scheduler to catch up");
        await Eventually.TrueAsync(() => Snapshot().InFlight == 0, "the run to finish");

        Assert.That(_invoker.Count, Is.EqualTo(1), "30 missed seconds give one run, not 30");
        Assert.That(Snapshot().Next, Is.EqualTo(_time.GetUtcNow() + TimeSpan.FromSeconds(1)));
    }

    [Test]
    public async Task A_changed_schedule_applies_at_once()
    {
        _scheduler.Set(Job, Cron("0 0 1 1 *"));
        Assert.That(Snapshot().Next, Is.EqualTo(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero)));

        _scheduler.Set(Job, Cron("@every 2s"));
        Assert.That(Snapshot().Schedule, Is.EqualTo("@every 2s"));
        Assert.That(Snapshot().Next, Is.EqualTo(_time.GetUtcNow() + TimeSpan.FromSeconds(2)));
        await AdvanceAsync(TimeSpan.FromSeconds(2));
        await Eventually.TrueAsync(() => _invoker.Count == 1, "a run on the new schedule");
    }

    [Test]
    public async Task The_same_schedule_again_keeps_its_pace()
    {
        _scheduler.Set(Job, Cron("@every 10s"));
        await AdvanceAsync(TimeSpan.FromSeconds(4));
        var next = Snapshot().Next;

        _scheduler.Set(Job, Cron("@every 10s"));
        Assert.That(Snapshot().Next, Is.EqualTo(next), "a resync with unchanged annotations does not restart the interval");
    }

    [Test]
    public async Task A_removed_schedule_fires_no_more()
    {
        _scheduler.Set(Job, Cron("@every 1s"));
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => _invoker.Count == 1, "one run");

        _scheduler.Set(Job, null);
        Assert.That(_scheduler.Snapshot(), Is.Empty);
        await AdvanceAsync(TimeSpan.FromSeconds(5));
        Assert.That(_invoker.Count, Is.EqualTo(1));
    }

    [Test]
    public void Retain_drops_functions_that_are_gone()
    {
        var other = new TriggerKey("openfaas-fn", "other");
        _scheduler.Set(Job, Cron("@hourly"));
        _scheduler.Set(other, Cron("@daily"));

        _scheduler.Retain(new HashSet<TriggerKey> { other });
        Assert.That(_scheduler.Snapshot().Select(s => s.Key), Is.EqualTo(new[] { other }));
    }

    [Test]
    public async Task Asynchronous_runs_go_through_the_queue_when_there_is_one()
    {
        await StopScheduler();
        await StartAsync(Dispatchers.Create(_invoker, _time, _queue));
        _scheduler.Set(Job, Cron("@every 1s", asynchronous: true));

        await AdvanceAsync(TimeSpan.FromSeconds(2));
        await Eventually.TrueAsync(() => _queue.Calls.Count == 2, "two queued runs");
        Assert.That(_invoker.Count, Is.Zero);
        var queued = _queue.Calls[0];
        Assert.Multiple(() =>
        {
            Assert.That(queued.Request.Name, Is.EqualTo("nightly"));
            Assert.That(queued.Request.Headers, Does.Contain(new KeyValuePair<string, string>("X-Connector", "cron-connector")));
            Assert.That(queued.CallId, Is.Not.Empty);
            Assert.That(queued.AcceptedAt, Is.EqualTo(_time.GetUtcNow() - TimeSpan.FromSeconds(1)));
        });
        Assert.That(_scheduler.Snapshot().Single().LastStatus, Is.EqualTo(202));
    }

    [Test]
    public async Task Asynchronous_runs_are_called_directly_without_a_queue()
    {
        _scheduler.Set(Job, Cron("@every 1s", asynchronous: true));
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => _invoker.Count == 1, "a direct call");
    }

    [Test]
    public async Task A_failing_function_keeps_its_schedule()
    {
        _invoker.Handler = (_, _) => Task.FromResult(new InvocationResponse { StatusCode = 503, Reason = "not ready" });
        _scheduler.Set(Job, Cron("@every 1s"));
        await AdvanceAsync(TimeSpan.FromSeconds(3));
        await Eventually.TrueAsync(() => _invoker.Count == 3, "three runs despite failures");
        await Eventually.TrueAsync(() => Snapshot().LastStatus == 503, "the status recorded");
    }
}
