namespace FaasD.Triggers.Cron;

/// <summary>One scheduled function's mutable state; guarded by the scheduler's lock.</summary>
internal sealed class CronJob(TriggerKey key, CronTrigger trigger, DateTimeOffset anchor, DateTimeOffset? next)
{
    public TriggerKey Key { get; } = key;

    public CronTrigger Trigger { get; set; } = trigger;

    /// <summary>When the current schedule was set up (interval schedules count from here).</summary>
    public DateTimeOffset Anchor { get; set; } = anchor;

    /// <summary>Next firing; null when the expression has no future occurrence.</summary>
    public DateTimeOffset? Next { get; set; } = next;

    /// <summary>Runs started and not finished (kept across schedule changes: it is the same function).</summary>
    public int InFlight { get; set; }

    public DateTimeOffset? LastStarted { get; set; }

    public int? LastStatus { get; set; }
}
