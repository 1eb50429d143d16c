namespace FaasD.Functions.Deployment;

/// <summary>A function's current configuration and the container that carries it.</summary>
internal sealed record DeployedFunction(StoredDeployment Deployment, string ContainerId, DateTimeOffset CreatedAt);
