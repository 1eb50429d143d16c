using System.Text.Json;
using System.Text.Json.Serialization;

namespace FaasD.Functions.Deployment;

/// <summary>
/// The deployment request as kept with the container (a containerd container extension), so that the
/// daemon can rebuild every function from containerd alone after a restart.
/// </summary>
internal sealed record StoredDeployment
{
    public const int CurrentVersion = 1;

    public int Version { get; init; } = CurrentVersion;
    public required string Name { get; init; }
    public required string Namespace { get; init; }
    public required string Image { get; init; }
    public string? EnvProcess { get; init; }
    public Dictionary<string, string>? EnvVars { get; init; }
    public List<string>? Secrets { get; init; }
    public Dictionary<string, string>? Labels { get; init; }
    public Dictionary<string, string>? Annotations { get; init; }
    public List<string>? Constraints { get; init; }
    public string? LimitMemory { get; init; }
    public string? LimitCpu { get; init; }
    public string? RequestMemory { get; init; }
    public string? RequestCpu { get; init; }
    public bool ReadOnlyRootFilesystem { get; init; }

    /// <summary>Bumped by every update; the container id carries it so old and new can run side by side.</summary>
    public long Generation { get; init; } = 1;

    public static StoredDeployment From(FunctionSpec spec, long generation) => new()
    {
        Name = spec.Name,
        Namespace = spec.Namespace,
        Image = spec.Image,
        EnvProcess = spec.EnvProcess,
        EnvVars = spec.EnvVars.Count > 0 ? new(spec.EnvVars) : null,
        Secrets = spec.Secrets.Count > 0 ? [.. spec.Secrets] : null,
        Labels = spec.Labels.Count > 0 ? new(spec.Labels) : null,
        Annotations = spec.Annotations.Count > 0 ? new(spec.Annotations) : null,
        Constraints = spec.Constraints.Count > 0 ? [.. spec.Constraints] : null,
        LimitMemory = spec.Limits?.Memory,
        LimitCpu = spec.Limits?.Cpu,
        RequestMemory = spec.Requests?.Memory,
        RequestCpu = spec.Requests?.Cpu,
        ReadOnlyRootFilesystem = spec.ReadOnlyRootFilesystem,
        Generation = generation,
    };

    public FunctionSpec ToSpec() => new()
    {
        Name = Name,
        Namespace = Namespace,
        Image = Image,
        EnvProcess = EnvProcess,
        EnvVars = EnvVars ?? [],
        Secrets = Secrets ?? [],
        Labels = Labels ?? [],
        Annotations = Annotations ?? [],
        Constraints = Constraints ?? [],
        Limits = LimitMemory is null && LimitCpu is null ? null : new FunctionResources(LimitMemory, LimitCpu),
        Requests = RequestMemory is null && RequestCpu is null ? null : new FunctionResources(RequestMemory, RequestCpu),
        ReadOnlyRootFilesystem = ReadOnlyRootFilesystem,
    };

    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(this, StoredDeploymentJson.Default.StoredDeployment);

    /// <summary>Null when the bytes are not a deployment we wrote (a foreign container in the namespace).</summary>
    public static StoredDeployment? TryDeserialize(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(payload, StoredDeploymentJson.Default.StoredDeployment);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StoredDeployment))]
internal sealed partial class StoredDeploymentJson : JsonSerializerContext;
