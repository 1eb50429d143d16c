using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace FaasD.Runtime.Lifecycle;

/// <summary>
/// The caller's payload (a function's deployment) kept as a container extension: labels are capped at
/// 4 KiB each by containerd, extensions only by the 16 MiB message size. containerd stores the Any as-is.
/// </summary>
internal static class PayloadExtension
{
    public const string Key = "faasd.payload";
    public const string TypeUrl = "types.faasd.dev/payload";

    public static Any Pack(ReadOnlyMemory<byte> payload) =>
        new() { TypeUrl = TypeUrl, Value = ByteString.CopyFrom(payload.Span) };

    public static ReadOnlyMemory<byte> Unpack(IReadOnlyDictionary<string, Any> extensions) =>
        extensions.TryGetValue(Key, out var packed) && packed.TypeUrl == TypeUrl ? packed.Value.Memory : ReadOnlyMemory<byte>.Empty;
}
