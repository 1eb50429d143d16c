namespace FaasD.Triggers.Nats;

/// <summary>
/// What every <see cref="TopicSubscription"/> of one router shares: the router builds it once, so the same five
/// services are not carried as fields and arguments by both classes.
/// </summary>
internal sealed record TopicSubscriptionServices(
    INatsConnection Connection,
    TriggerDispatcher Dispatcher,
    IFunctionInvoker Invoker,
    TimeProvider Time,
    ILogger Logger);
