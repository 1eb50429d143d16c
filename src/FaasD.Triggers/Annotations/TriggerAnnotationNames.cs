namespace FaasD.Triggers.Annotations;

/// <summary>The function annotations triggers read. <c>topic</c> and <c>schedule</c> are the ones OpenFaaS connectors use.</summary>
internal static class TriggerAnnotationNames
{
    /// <summary>Comma-separated topics: <see cref="CronTopic"/> for a schedule, anything else is a NATS subject.</summary>
    public const string Topic = "topic";

    /// <summary>The cron expression, read when <see cref="Topic"/> names <see cref="CronTopic"/>.</summary>
    public const string Schedule = "schedule";

    /// <summary>The topic that makes a function scheduled (cron-connector's name for it).</summary>
    public const string CronTopic = "cron-function";

    /// <summary>"true": cron runs and NATS messages without a reply subject go through the async queue.</summary>
    public const string Asynchronous = "asynchronous_invocation";

    /// <summary>"true": a cron run starts even while the previous one is still in flight (skipped otherwise).</summary>
    public const string CronOverlap = "faasd.cron.overlap";

    /// <summary>Positive integer: NATS messages handed to the function at once per subject (daemon default otherwise).</summary>
    public const string TopicConcurrency = "faasd.topic.concurrency";
}
