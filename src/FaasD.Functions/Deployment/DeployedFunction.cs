namespace FaasD.Functions.Deployment;

/// <summary>
/// A function's current configuration and the containers that carry it: <see cref="ContainerId"/> is the primary
/// replica (the one a cold start wakes), <see cref="ReplicaIds"/> every replica's container (scale-to-zero acts on all).
/// </summary>
internal sealed record DeployedFunction(StoredDeployment Deployment, string ContainerId, DateTimeOffset CreatedAt)
{
    private readonly IReadOnlyList<string>? _replicaIds;

    public IReadOnlyList<string> ReplicaIds
    {
        get => _replicaIds ?? [ContainerId];
        init => _replicaIds = value;
    }
}
