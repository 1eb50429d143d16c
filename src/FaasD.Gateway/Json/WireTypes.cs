namespace FaasD.Gateway.Json;

// The OpenFaaS wire types (faas-provider/types). Field names are the Go json tags. Output follows Go's
// omitempty: the context ignores default values when writing, and mappers turn empty strings, maps and
// lists into null, so what Go would omit is absent. Fields Go always writes are marked Never.

/// <summary>Body of POST/PUT /system/functions.</summary>
internal sealed class FunctionDeployment
{
    [JsonPropertyName("service")] public string? Service { get; set; }
    [JsonPropertyName("image")] public string? Image { get; set; }
    [JsonPropertyName("namespace")] public string? Namespace { get; set; }
    [JsonPropertyName("envProcess")] public string? EnvProcess { get; set; }
    [JsonPropertyName("envVars")] public Dictionary<string, string>? EnvVars { get; set; }
    [JsonPropertyName("constraints")] public List<string>? Constraints { get; set; }
    [JsonPropertyName("secrets")] public List<string>? Secrets { get; set; }
    [JsonPropertyName("labels")] public Dictionary<string, string>? Labels { get; set; }
    [JsonPropertyName("annotations")] public Dictionary<string, string>? Annotations { get; set; }
    [JsonPropertyName("limits")] public FunctionResourcesDto? Limits { get; set; }
    [JsonPropertyName("requests")] public FunctionResourcesDto? Requests { get; set; }
    [JsonPropertyName("readOnlyRootFilesystem")] public bool ReadOnlyRootFilesystem { get; set; }
}

internal sealed class FunctionResourcesDto
{
    [JsonPropertyName("memory")] public string? Memory { get; set; }
    [JsonPropertyName("cpu")] public string? Cpu { get; set; }
}

/// <summary>An item of GET /system/functions and the body of GET /system/function/{name}.</summary>
internal sealed class FunctionStatusDto
{
    [JsonPropertyName("name"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string Name { get; set; } = "";
    [JsonPropertyName("image"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string Image { get; set; } = "";
    [JsonPropertyName("namespace")] public string? Namespace { get; set; }
    [JsonPropertyName("envProcess")] public string? EnvProcess { get; set; }
    [JsonPropertyName("envVars")] public IReadOnlyDictionary<string, string>? EnvVars { get; set; }
    [JsonPropertyName("constraints")] public IReadOnlyList<string>? Constraints { get; set; }
    [JsonPropertyName("secrets")] public IReadOnlyList<string>? Secrets { get; set; }
    [JsonPropertyName("labels")] public IReadOnlyDictionary<string, string>? Labels { get; set; }
    [JsonPropertyName("annotations")] public IReadOnlyDictionary<string, string>? Annotations { get; set; }
    [JsonPropertyName("limits")] public FunctionResourcesDto? Limits { get; set; }
    [JsonPropertyName("requests")] public FunctionResourcesDto? Requests { get; set; }
    [JsonPropertyName("readOnlyRootFilesystem")] public bool ReadOnlyRootFilesystem { get; set; }
    [JsonPropertyName("invocationCount")] public double InvocationCount { get; set; }
    [JsonPropertyName("replicas")] public ulong Replicas { get; set; }
    [JsonPropertyName("availableReplicas")] public ulong AvailableReplicas { get; set; }
    [JsonPropertyName("usage")] public FunctionUsageDto? Usage { get; set; }

    [JsonPropertyName("createdAt"), JsonIgnore(Condition = JsonIgnoreCondition.Never), JsonConverter(typeof(Rfc3339TimeConverter))]
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>faas-provider's FunctionUsage: CPU in millicores (1000 = one core) and the memory working set.</summary>
internal sealed class FunctionUsageDto
{
    [JsonPropertyName("cpu")] public double Cpu { get; set; }
    [JsonPropertyName("totalMemoryBytes")] public double TotalMemoryBytes { get; set; }
}

internal sealed class DeleteFunctionRequest
{
    [JsonPropertyName("functionName")] public string? FunctionName { get; set; }
    [JsonPropertyName("namespace")] public string? Namespace { get; set; }
}

internal sealed class ScaleServiceRequest
{
    [JsonPropertyName("serviceName")] public string? ServiceName { get; set; }
    /// <summary>Null when absent: a body without it (or with a misspelt "replica") must not read as "scale to zero".</summary>
    [JsonPropertyName("replicas")] public ulong? Replicas { get; set; }
    [JsonPropertyName("namespace")] public string? Namespace { get; set; }
}

internal sealed class SecretDto
{
    [JsonPropertyName("name"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? Name { get; set; }
    [JsonPropertyName("namespace")] public string? Namespace { get; set; }
    [JsonPropertyName("value")] public string? Value { get; set; }
    [JsonPropertyName("rawValue")] public byte[]? RawValue { get; set; }
}

internal sealed class FunctionNamespaceDto
{
    [JsonPropertyName("name"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? Name { get; set; }
    [JsonPropertyName("annotations")] public Dictionary<string, string>? Annotations { get; set; }
    [JsonPropertyName("labels")] public Dictionary<string, string>? Labels { get; set; }
}

internal sealed class VersionInfoDto
{
    [JsonPropertyName("commit_message")] public string? CommitMessage { get; set; }
    [JsonPropertyName("sha"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string Sha { get; set; } = "";
    [JsonPropertyName("release"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string Release { get; set; } = "";
}

internal sealed class ProviderInfoDto
{
    [JsonPropertyName("provider"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string Provider { get; set; } = "";
    [JsonPropertyName("version"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public VersionInfoDto Version { get; set; } = new();
    [JsonPropertyName("orchestration"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string Orchestration { get; set; } = "";
}

internal sealed class GatewayInfoDto
{
    [JsonPropertyName("provider"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public ProviderInfoDto Provider { get; set; } = new();
    [JsonPropertyName("version"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public VersionInfoDto Version { get; set; } = new();
    [JsonPropertyName("arch"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string Arch { get; set; } = "";
}

/// <summary>One NDJSON line of GET /system/logs; every field always present.</summary>
internal sealed class LogMessageDto
{
    [JsonPropertyName("name"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string Name { get; set; } = "";
    [JsonPropertyName("namespace"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string Namespace { get; set; } = "";
    [JsonPropertyName("instance"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string Instance { get; set; } = "";

    [JsonPropertyName("timestamp"), JsonIgnore(Condition = JsonIgnoreCondition.Never), JsonConverter(typeof(Rfc3339TimeConverter))]
    public DateTimeOffset Timestamp { get; set; }

    [JsonPropertyName("text"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string Text { get; set; } = "";
}
