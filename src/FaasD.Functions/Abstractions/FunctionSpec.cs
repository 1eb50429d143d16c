namespace FaasD.Functions.Abstractions;

/// <summary>What a user asked for when deploying a function (the OpenFaaS FunctionDeployment, without wire concerns).</summary>
public sealed record FunctionSpec
{
    public required string Name { get; init; }
    public required string Namespace { get; init; }
    public required string Image { get; init; }
    public string? EnvProcess { get; init; }
    public IReadOnlyDictionary<string, string> EnvVars { get; init; } = EmptyMap;
    public IReadOnlyList<string> Secrets { get; init; } = [];
    public IReadOnlyDictionary<string, string> Labels { get; init; } = EmptyMap;
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = EmptyMap;
    public IReadOnlyList<string> Constraints { get; init; } = [];
    public FunctionResources? Limits { get; init; }
    public FunctionResources? Requests { get; init; }
    public bool ReadOnlyRootFilesystem { get; init; }

    internal static readonly IReadOnlyDictionary<string, string> EmptyMap = new Dictionary<string, string>();
}

/// <summary>Kubernetes-style quantities as the user wrote them, e.g. memory "128Mi", cpu "100m".</summary>
public sealed record FunctionResources(string? Memory, string? Cpu);
