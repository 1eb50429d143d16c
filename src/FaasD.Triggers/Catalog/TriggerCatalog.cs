using FaasD.Triggers.Nats;

namespace FaasD.Triggers.Catalog;

/// <summary>The cron jobs and NATS subscriptions of every function, in one list.</summary>
internal sealed class TriggerCatalog(CronScheduler cron, IServiceProvider services) : ITriggerCatalog
{
    private readonly NatsTopicRouter? _nats = services.GetService<NatsTopicRouter>();

    public IReadOnlyList<TriggerDescription> List()
    {
        var list = cron.Snapshot().Select(j => Describe(j.Key, "cron", j.Schedule, j.Asynchronous) with
        {
            NextRun = j.Next,
            LastRun = j.LastStarted,
            LastStatus = j.LastStatus,
            InFlight = j.InFlight,
        }).ToList();
        if (_nats is not null)
        {
            list.AddRange(_nats.Snapshot().Select(s => Describe(s.Key, "nats", s.Subject, s.Asynchronous) with
            {
                QueueGroup = s.QueueGroup,
                Connected = s.Connected,
            }));
        }

        return list;
    }

    /// <summary>What every kind of trigger reports; each kind adds its own details.</summary>
    private static TriggerDescription Describe(TriggerKey key, string kind, string source, bool asynchronous) => new()
    {
        Namespace = key.Namespace,
        Function = key.Name,
        Kind = kind,
        Source = source,
        Asynchronous = asynchronous,
    };
}
