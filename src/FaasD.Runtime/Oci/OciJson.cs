using System.Text.Json;
using System.Text.Json.Serialization;

namespace FaasD.Runtime.Oci;

/// <summary>Serialises <see cref="OciSpec"/> the way runc reads config.json (camelCase, absent optionals omitted).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OciSpec))]
internal sealed partial class OciJsonContext : JsonSerializerContext;

internal static class OciJson
{
    public static byte[] Serialize(OciSpec spec) =>
        JsonSerializer.SerializeToUtf8Bytes(spec, OciJsonContext.Default.OciSpec);

    public static OciSpec? Deserialize(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, OciJsonContext.Default.OciSpec);
}
