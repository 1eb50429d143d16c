namespace FaasD.Triggers;

/// <summary>How the daemon runs event triggers (cron schedules and NATS subjects named in function annotations).</summary>
public sealed class TriggerOptions
{
    /// <summary>NATS server(s) for topic triggers, e.g. <c>nats://127.0.0.1:4222</c> (comma-separated); null: no NATS triggers.</summary>
    public string? NatsUrl { get; set; }

    /// <summary>Messages one subscription hands to its function at the same time; more wait in the subscription's buffer.</summary>
    public int NatsConcurrency { get; set; } = 8;

    /// <summary>Full re-read of every function's annotations, a safety net behind the change notifications.</summary>
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Zone of schedules without a <c>CRON_TZ=</c>/<c>TZ=</c> prefix.</summary>
    public TimeZoneInfo DefaultTimeZone { get; set; } = TimeZoneInfo.Local;
}
