namespace FaasD.Functions.Abstractions;

/// <summary>A deployed function as read back from the platform.</summary>
public sealed record FunctionInfo
{
    public required FunctionSpec Spec { get; init; }

    /// <summary>Replicas the function serves with (its containers, not counting ones being drained); 0 when it is scaled to zero.</summary>
    public int Replicas { get; init; }

    /// <summary>Replicas that can answer a request right now (ready, not starting, draining, failed or frozen).</summary>
    public int AvailableReplicas { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Lifecycle state for operators (Running, Paused, Stopped, ...).</summary>
    public FunctionState State { get; init; }
}

public enum FunctionState
{
    Unknown = 0,
    Creating,
    Running,
    Pausing,
    Paused,
    Resuming,
    Stopped,
    Removing,
}
