using FaasD.Metrics;

namespace FaasD.Triggers.Cron;

/// <summary>
/// Fires scheduled functions. One loop sleeps (on the injected <see cref="TimeProvider"/>) until the earliest
/// due job or until a schedule changes, then starts every due run without waiting for it. A run is skipped while
/// the previous one of the same function is in flight, unless the function opted in to overlap. Runs missed while
/// the daemon was down or the loop was late are not replayed: the next time is always computed from "now".
/// </summary>
internal sealed partial class CronScheduler(TriggerDispatcher dispatcher, TimeProvider time, ILogger<CronScheduler> logger)
    : BackgroundService, ITriggerEngine
{
    /// <summary>Longest single sleep: far-away runs (@yearly) are re-evaluated, and Task.Delay's limit is never hit.</summary>
    private static readonly TimeSpan MaxSleep = TimeSpan.FromHours(1);

    /// <summary>How far the clock may move while the timer is armed before the timer is armed again.</summary>
    private static readonly TimeSpan RearmTolerance = TimeSpan.FromMilliseconds(50);

    private static readonly KeyValuePair<string, string>[] CronHeaders =
    [
        new("X-Topic", TriggerAnnotationNames.CronTopic),
        new("X-Connector", "cron-connector"),
    ];

    private readonly Lock _gate = new();
    private readonly Dictionary<TriggerKey, CronJob> _jobs = [];
    private TaskCompletionSource _changed = NewSignal();

    public void Set(TriggerKey key, FunctionTriggers? triggers)
    {
        var trigger = triggers?.Cron;
        lock (_gate)
        {
            _jobs.TryGetValue(key, out var job);
            if (trigger is null)
            {
                if (job is null)
                {
                    return;
                }

                _jobs.Remove(key);
                Log.Unscheduled(logger, key.ToString());
            }
            else
            {
                if (job is not null && job.Trigger.Equals(trigger))
                {
                    return;
                }

                var now = time.GetUtcNow();
                var next = trigger.Schedule.NextAfter(now, now);
                if (job is null)
                {
                    _jobs[key] = new CronJob(key, trigger, now, next);
                }
                else
                {
                    job.Trigger = trigger;
                    job.Anchor = now;
                    job.Next = next;
                }

                Log.Scheduled(logger, key.ToString(), trigger.Expression, next);
            }

            Signal();
        }
    }

    public void Retain(IReadOnlySet<TriggerKey> present)
    {
        lock (_gate)
        {
            foreach (var key in _jobs.Keys.Where(k => !present.Contains(k)).ToList())
            {
                _jobs.Remove(key);
                Log.Unscheduled(logger, key.ToString());
                Signal();
            }
        }
    }

    public IReadOnlyList<CronJobSnapshot> Snapshot()
    {
        lock (_gate)
        {
            return _jobs.Values
                .Select(j => new CronJobSnapshot(j.Key, j.Trigger.Expression, j.Trigger.Asynchronous, j.Anchor, j.Next, j.InFlight, j.LastStarted, j.LastStatus))
                .OrderBy(j => j.Key.Namespace, StringComparer.Ordinal).ThenBy(j => j.Key.Name, StringComparer.Ordinal)
                .ToList();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var due = new List<(CronJob Job, CronTrigger Trigger, DateTimeOffset Scheduled)>();
        while (!stoppingToken.IsCancellationRequested)
        {
            Task changed;
            DateTimeOffset? wakeAt;
            lock (_gate)
            {
                var now = time.GetUtcNow();
                DateTimeOffset? earliest = null;
                foreach (var job in _jobs.Values)
                {
                    if (job.Next is { } scheduled && scheduled <= now)
                    {
                        if (TryStart(job, now))
                        {
                            due.Add((job, job.Trigger, scheduled));
                        }

                        job.Next = job.Trigger.Schedule.NextAfter(now, job.Anchor);
                    }

                    if (job.Next is { } next && (earliest is null || next < earliest))
                    {
                        earliest = next;
                    }
                }

                changed = _changed.Task;
                wakeAt = earliest;
            }

            foreach (var (job, trigger, scheduled) in due)
            {
                _ = RunAsync(job, trigger, scheduled, stoppingToken);
            }

            due.Clear();
            // The sleep is measured right before the timer is armed and "now" read again after. A clock that moved
            // in between (a fake clock in tests, a suspended machine) would make the timer fire late by that much, or
            // the run may already be due: then the loop goes round and arms again instead of sleeping past a run.
            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var armedFrom = time.GetUtcNow();
            var timer = Task.Delay(wakeAt is { } at ? Clamp(at - armedFrom) : MaxSleep, time, wake.Token);
            var armedAt = time.GetUtcNow();
            if ((wakeAt is null || armedAt < wakeAt) && armedAt - armedFrom < RearmTolerance)
            {
                await Task.WhenAny(changed, timer);
            }

            await wake.CancelAsync();
        }
    }

    private bool TryStart(CronJob job, DateTimeOffset now)
    {
        if (job.InFlight > 0 && !job.Trigger.AllowOverlap)
        {
            Log.SkippedOverlap(logger, job.Key.ToString(), job.InFlight);
            return false;
        }

        job.InFlight++;
        job.LastStarted = now;
        return true;
    }

    private async Task RunAsync(CronJob job, CronTrigger trigger, DateTimeOffset scheduled, CancellationToken stoppingToken)
    {
        int? status = null;
        try
        {
            var request = new InvocationRequest { Namespace = job.Key.Namespace, Name = job.Key.Name, Method = "POST", Headers = CronHeaders };
            Log.Firing(logger, job.Key.ToString(), scheduled, (time.GetUtcNow() - scheduled).TotalMilliseconds);
            var outcome = await dispatcher.DispatchAsync(request, trigger.Asynchronous, stoppingToken);
            status = outcome.StatusCode;
            if (!outcome.Succeeded)
            {
                Log.RunFailed(logger, job.Key.ToString(), outcome.StatusCode, outcome.Reason ?? "the function answered with an error");
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Nobody awaits a run: a failure (e.g. the async queue's disk) is logged here or lost.
            status = 500;
            Log.RunFailed(logger, job.Key.ToString(), status.Value, ex.Message);
        }
        finally
        {
            lock (_gate)
            {
                job.InFlight--;
                job.LastStatus = status ?? job.LastStatus;
            }

            if (status is { } code)
            {
                FaasDMetrics.RecordCronRun(job.Key.Namespace, job.Key.Name, code);
            }
        }
    }

    private void Signal()
    {
        var previous = _changed;
        _changed = NewSignal();
        previous.TrySetResult();
    }

    private static TimeSpan Clamp(TimeSpan wait) => wait < TimeSpan.Zero ? TimeSpan.Zero : wait > MaxSleep ? MaxSleep : wait;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.CronScheduled, Level = LogLevel.Information, Message = "Cron: {Function} scheduled \"{Schedule}\", next run {Next}")] public static partial void Scheduled(ILogger logger, string function, string schedule, DateTimeOffset? next);

        [LoggerMessage(EventId = LogEvents.CronUnscheduled, Level = LogLevel.Information, Message = "Cron: {Function} no longer scheduled")] public static partial void Unscheduled(ILogger logger, string function);

        [LoggerMessage(EventId = LogEvents.CronFiring, Level = LogLevel.Debug, Message = "Cron: running {Function} scheduled at {Scheduled} ({LateMilliseconds:0.0} ms late)")] public static partial void Firing(ILogger logger, string function, DateTimeOffset scheduled, double lateMilliseconds);

        [LoggerMessage(EventId = LogEvents.CronSkippedOverlap, Level = LogLevel.Warning, Message = "Cron: run of {Function} skipped, {InFlight} previous run(s) still in flight (annotation faasd.cron.overlap=true allows overlap)")] public static partial void SkippedOverlap(ILogger logger, string function, int inFlight);

        [LoggerMessage(EventId = LogEvents.CronRunFailed, Level = LogLevel.Warning, Message = "Cron: run of {Function} answered {Status}: {Reason}")] public static partial void RunFailed(ILogger logger, string function, int status, string reason);
    }
}

/// <summary>A scheduled function as <c>GET /system/triggers</c> shows it.</summary>
internal sealed record CronJobSnapshot(
    TriggerKey Key,
    string Schedule,
    bool Asynchronous,
    DateTimeOffset Anchor,
    DateTimeOffset? Next,
    int InFlight,
    DateTimeOffset? LastStarted,
    int? LastStatus);
