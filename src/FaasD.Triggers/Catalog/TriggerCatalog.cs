using FaasD.Invocation;
using FaasD.Triggers.Cron;
using FaasD.Triggers.Nats;
using Microsoft.Extensions.DependencyInjection;

namespace FaasD.Triggers.Catalog;

/// <summary>The cron jobs and NATS subscriptions of every function, in one list.</summary>
internal sealed class TriggerCatalog(CronScheduler cron, IServiceProvider services) : ITriggerCatalog
{
    private readonly NatsTopicRouter? _nats = services.GetService<NatsTopicRouter>();

    public IReadOnlyList<TriggerDescription> List()
    {
        var list = cron.Snapshot().Select(j => new TriggerDescription
        {
            Namespace = j.Key.Namespace,
            Function = j.Key.Name,
            Kind = "cron",
            Source = j.Schedule,
            Asynchronous = j.Asynchronous,
            NextRun = j.Next,
            LastRun = j.LastStarted,
            LastStatus = j.LastStatus,
            InFlight = j.InFlight,
        }).ToList();
        if (_nats is not null)
        {
            list.AddRange(_nats.Snapshot().Select(s => new TriggerDescription
            {
                Namespace = s.Key.Namespace,
                Function = s.Key.Name,
                Kind = "nats",
                Source = s.Subject,
                Asynchronous = s.Asynchronous,
                QueueGroup = s.QueueGroup,
                Connected = s.Connected,
            }));
        }

        return list;
    }
}
