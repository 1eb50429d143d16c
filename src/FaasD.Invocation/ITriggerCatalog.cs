namespace FaasD.Invocation;

/// <summary>What the event triggers do right now, for operators (<c>GET /system/triggers</c>).</summary>
public interface ITriggerCatalog
{
    IReadOnlyList<TriggerDescription> List();
}

/// <summary>
/// One trigger of one function. <see cref="Kind"/> is <c>cron</c> (<see cref="Source"/> is the schedule,
/// <see cref="NextRun"/> when it fires next) or <c>nats</c> (<see cref="Source"/> is the subject).
/// </summary>
public sealed record TriggerDescription
{
    public required string Namespace { get; init; }

    public required string Function { get; init; }

    public required string Kind { get; init; }

    public required string Source { get; init; }

    public bool Asynchronous { get; init; }

    public DateTimeOffset? NextRun { get; init; }

    public DateTimeOffset? LastRun { get; init; }

    public int? LastStatus { get; init; }

    public int InFlight { get; init; }

    /// <summary>NATS only: the queue group the function's subscribers share.</summary>
    public string? QueueGroup { get; init; }

    /// <summary>NATS only: whether the connection to the server is open.</summary>
    public bool? Connected { get; init; }
}
