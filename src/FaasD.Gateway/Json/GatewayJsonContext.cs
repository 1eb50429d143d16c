namespace FaasD.Gateway.Json;

/// <summary>
/// Source-generated JSON with Go's decoding habits: names match case-insensitively, unknown fields are
/// ignored, <c>null</c> is fine for maps and lists. Writing skips default values (Go's omitempty).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(FunctionDeployment))]
[JsonSerializable(typeof(FunctionStatusDto))]
[JsonSerializable(typeof(List<FunctionStatusDto>))]
[JsonSerializable(typeof(DeleteFunctionRequest))]
[JsonSerializable(typeof(ScaleServiceRequest))]
[JsonSerializable(typeof(SecretDto))]
[JsonSerializable(typeof(List<SecretDto>))]
[JsonSerializable(typeof(FunctionNamespaceDto))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(GatewayInfoDto))]
[JsonSerializable(typeof(LogMessageDto))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
