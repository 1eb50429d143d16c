namespace FaasD.Gateway.Functions;

/// <summary>Wire types ↔ platform types. Empty strings, maps and lists become null on the way out (Go omitempty).</summary>
internal static class FunctionMapping
{
    private static readonly IReadOnlyDictionary<string, string> s_emptyMap = new Dictionary<string, string>();

    public static FunctionSpec ToSpec(FunctionDeployment body, string @namespace) => new()
    {
        Name = body.Service ?? "",
        Namespace = @namespace,
        Image = body.Image ?? "",
        EnvProcess = NullIfEmpty(body.EnvProcess),
        EnvVars = body.EnvVars ?? s_emptyMap,
        Secrets = body.Secrets ?? [],
        Labels = body.Labels ?? s_emptyMap,
        Annotations = body.Annotations ?? s_emptyMap,
        Constraints = body.Constraints ?? [],
        Limits = ToResources(body.Limits),
        Requests = ToResources(body.Requests),
        ReadOnlyRootFilesystem = body.ReadOnlyRootFilesystem,
    };

    public static FunctionStatusDto ToStatus(FunctionInfo info, bool withAvailableReplicas, double invocationCount, FunctionUsage? usage = null)
    {
        var spec = info.Spec;
        return new FunctionStatusDto
        {
            Name = spec.Name,
            Image = spec.Image,
            Namespace = NullIfEmpty(spec.Namespace),
            EnvProcess = NullIfEmpty(spec.EnvProcess),
            EnvVars = NullIfEmpty(spec.EnvVars),
            Constraints = NullIfEmpty(spec.Constraints),
            Secrets = NullIfEmpty(spec.Secrets),
            Labels = NullIfEmpty(spec.Labels),
            Annotations = NullIfEmpty(spec.Annotations),
            Limits = ToDto(spec.Limits),
            Requests = ToDto(spec.Requests),
            ReadOnlyRootFilesystem = spec.ReadOnlyRootFilesystem,
            InvocationCount = invocationCount,
            Replicas = info.Replicas > 0 ? (ulong)info.Replicas : 0,
            AvailableReplicas = withAvailableReplicas && info.AvailableReplicas > 0 ? (ulong)info.AvailableReplicas : 0,
            CreatedAt = info.CreatedAt,
            Usage = usage is null ? null : new FunctionUsageDto { Cpu = usage.CpuMillicores, TotalMemoryBytes = usage.TotalMemoryBytes },
        };
    }

    private static FunctionResources? ToResources(FunctionResourcesDto? dto) =>
        dto is null || (string.IsNullOrEmpty(dto.Memory) && string.IsNullOrEmpty(dto.Cpu))
            ? null
            : new FunctionResources(NullIfEmpty(dto.Memory), NullIfEmpty(dto.Cpu));

    private static FunctionResourcesDto? ToDto(FunctionResources? resources) =>
        resources is null || (string.IsNullOrEmpty(resources.Memory) && string.IsNullOrEmpty(resources.Cpu))
            ? null
            : new FunctionResourcesDto { Memory = NullIfEmpty(resources.Memory), Cpu = NullIfEmpty(resources.Cpu) };

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static IReadOnlyDictionary<string, string>? NullIfEmpty(IReadOnlyDictionary<string, string> map) => map.Count == 0 ? null : map;

    private static IReadOnlyList<string>? NullIfEmpty(IReadOnlyList<string> list) => list.Count == 0 ? null : list;
}
