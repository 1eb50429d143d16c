namespace FaasD.Images.Oci;

/// <summary>A content descriptor as manifests and indexes carry it.</summary>
public sealed record OciDescriptor
{
    [JsonPropertyName("mediaType")]
    public string MediaType { get; init; } = "";

    [JsonPropertyName("digest")]
    public string Digest { get; init; } = "";

    [JsonPropertyName("size")]
    public long Size { get; init; }

    [JsonPropertyName("platform")]
    public OciPlatform? Platform { get; init; }

    [JsonPropertyName("annotations")]
    public Dictionary<string, string>? Annotations { get; init; }
}

public sealed record OciPlatform
{
    [JsonPropertyName("os")]
    public string Os { get; init; } = "";

    [JsonPropertyName("architecture")]
    public string Architecture { get; init; } = "";

    [JsonPropertyName("variant")]
    public string? Variant { get; init; }

    public Platform ToPlatform() => new(Os, Architecture, Variant ?? "");
}

/// <summary>The fields of an image manifest or index we read; <c>mediaType</c> is optional in OCI documents.</summary>
public sealed record OciManifestDocument
{
    [JsonPropertyName("schemaVersion")]
    public int SchemaVersion { get; init; }

    [JsonPropertyName("mediaType")]
    public string? MediaType { get; init; }

    [JsonPropertyName("config")]
    public OciDescriptor? Config { get; init; }

    [JsonPropertyName("layers")]
    public List<OciDescriptor>? Layers { get; init; }

    [JsonPropertyName("manifests")]
    public List<OciDescriptor>? Manifests { get; init; }
}

/// <summary>An image config blob (OCI and Docker share this shape).</summary>
public sealed record OciImageConfigDocument
{
    [JsonPropertyName("architecture")]
    public string? Architecture { get; init; }

    [JsonPropertyName("os")]
    public string? Os { get; init; }

    [JsonPropertyName("variant")]
    public string? Variant { get; init; }

    [JsonPropertyName("config")]
    public OciContainerConfig? Config { get; init; }

    [JsonPropertyName("rootfs")]
    public OciRootFs? RootFs { get; init; }
}

public sealed record OciContainerConfig
{
    [JsonPropertyName("User")]
    public string? User { get; init; }

    [JsonPropertyName("ExposedPorts")]
    public Dictionary<string, object>? ExposedPorts { get; init; }

    [JsonPropertyName("Env")]
    public List<string>? Env { get; init; }

    [JsonPropertyName("Entrypoint")]
    public List<string>? Entrypoint { get; init; }

    [JsonPropertyName("Cmd")]
    public List<string>? Cmd { get; init; }

    [JsonPropertyName("WorkingDir")]
    public string? WorkingDir { get; init; }

    [JsonPropertyName("Labels")]
    public Dictionary<string, string>? Labels { get; init; }

    [JsonPropertyName("StopSignal")]
    public string? StopSignal { get; init; }
}

public sealed record OciRootFs
{
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("diff_ids")]
    public List<string>? DiffIds { get; init; }
}

/// <summary>One image in a <c>docker save</c> archive's <c>manifest.json</c>.</summary>
public sealed record DockerArchiveManifestEntry
{
    [JsonPropertyName("Config")]
    public string Config { get; init; } = "";

    [JsonPropertyName("RepoTags")]
    public List<string>? RepoTags { get; init; }

    [JsonPropertyName("Layers")]
    public List<string> Layers { get; init; } = [];
}

[JsonSerializable(typeof(OciManifestDocument))]
[JsonSerializable(typeof(OciImageConfigDocument))]
[JsonSerializable(typeof(List<DockerArchiveManifestEntry>))]
[JsonSerializable(typeof(Distribution.Auth.TokenResponse))]
[JsonSerializable(typeof(Distribution.Auth.DockerConfigFile))]
[JsonSourceGenerationOptions(AllowTrailingCommas = true, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class OciJsonContext : JsonSerializerContext;
