namespace FaasD.Triggers.Sync;

/// <summary>A kind of trigger (cron, NATS) that follows the functions' annotations as the reconciler feeds them.</summary>
internal interface ITriggerEngine
{
    /// <summary>The function now wants <paramref name="triggers"/> (null: it is gone). Same triggers again: no change.</summary>
    void Set(TriggerKey key, FunctionTriggers? triggers);

    /// <summary>After a full listing: drops every function not in <paramref name="present"/>.</summary>
    void Retain(IReadOnlySet<TriggerKey> present);
}
