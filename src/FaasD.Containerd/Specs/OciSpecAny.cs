using System.Text;

namespace FaasD.Containerd.Specs;

/// <summary>
/// Packs OCI runtime-spec JSON into the <see cref="Any"/> fields containerd expects (container spec, exec process,
/// task resources). containerd registers these types by URL and stores the JSON bytes as the value, not protobuf.
/// </summary>
public static class OciSpecAny
{
    /// <summary>containerd 1.6/1.7 client.go: types.containerd.io + opencontainers/runtime-spec + major version 1 + type.</summary>
    public const string SpecTypeUrl = "types.containerd.io/opencontainers/runtime-spec/1/Spec";

    public const string ProcessTypeUrl = "types.containerd.io/opencontainers/runtime-spec/1/Process";

    public const string LinuxResourcesTypeUrl = "types.containerd.io/opencontainers/runtime-spec/1/LinuxResources";

    /// <summary>For <c>Container.spec</c>: a whole runtime spec (config.json) as UTF-8 JSON.</summary>
    public static Any PackSpec(ReadOnlySpan<byte> utf8Json) => RawAny.Pack(SpecTypeUrl, utf8Json);

    /// <summary>For <c>ExecProcessRequest.spec</c>: a runtime-spec Process as UTF-8 JSON.</summary>
    public static Any PackProcess(ReadOnlySpan<byte> utf8Json) => RawAny.Pack(ProcessTypeUrl, utf8Json);

    /// <summary>For <c>UpdateTaskRequest.resources</c>: runtime-spec LinuxResources as UTF-8 JSON.</summary>
    public static Any PackLinuxResources(ReadOnlySpan<byte> utf8Json) => RawAny.Pack(LinuxResourcesTypeUrl, utf8Json);

    /// <summary>The JSON bytes of a packed spec, checking it is of the expected type.</summary>
    public static ReadOnlyMemory<byte> UnpackJson(Any packed, string expectedTypeUrl)
    {
        ArgumentNullException.ThrowIfNull(packed);
        return RawAny.TryUnpack(packed, expectedTypeUrl, out var json)
            ? json
            : throw new InvalidDataException($"expected a packed {expectedTypeUrl}, got {packed.TypeUrl}");
    }

    public static string UnpackJsonString(Any packed, string expectedTypeUrl) =>
        Encoding.UTF8.GetString(UnpackJson(packed, expectedTypeUrl).Span);
}
