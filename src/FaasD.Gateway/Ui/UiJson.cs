namespace FaasD.Gateway.Ui;

/// <summary>One row of the portal's function list: what the OpenFaaS list has, plus state, latency and usage.</summary>
internal sealed class UiFunctionDto
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("namespace")] public string Namespace { get; set; } = "";
    [JsonPropertyName("image")] public string Image { get; set; } = "";
    [JsonPropertyName("state")] public string State { get; set; } = "";
    [JsonPropertyName("replicas")] public int Replicas { get; set; }
    [JsonPropertyName("availableReplicas")] public int AvailableReplicas { get; set; }
    [JsonPropertyName("invocations")] public long Invocations { get; set; }
    [JsonPropertyName("inflight")] public long Inflight { get; set; }
    [JsonPropertyName("p50Ms")] public double? P50Ms { get; set; }
    [JsonPropertyName("memoryBytes")] public long? MemoryBytes { get; set; }
    [JsonPropertyName("cpuMillicores")] public double? CpuMillicores { get; set; }
    [JsonPropertyName("createdAt")] public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A function's recent activity for the portal's charts: calls, 5xx and mean latency per interval.</summary>
internal sealed class UiActivityDto
{
    [JsonPropertyName("slotSeconds")] public double SlotSeconds { get; set; }
    [JsonPropertyName("p50Ms")] public double? P50Ms { get; set; }
    [JsonPropertyName("slots")] public List<UiSlotDto> Slots { get; set; } = [];
}

internal sealed class UiSlotDto
{
    [JsonPropertyName("start")] public DateTimeOffset Start { get; set; }
    [JsonPropertyName("calls")] public long Calls { get; set; }
    [JsonPropertyName("errors")] public long Errors { get; set; }
    [JsonPropertyName("meanMs")] public double? MeanMs { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(List<UiFunctionDto>))]
[JsonSerializable(typeof(UiActivityDto))]
internal sealed partial class UiJsonContext : JsonSerializerContext;
