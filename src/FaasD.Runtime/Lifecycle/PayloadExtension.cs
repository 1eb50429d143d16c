using FaasD.Containerd.Specs;
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

    public static Any Pack(ReadOnlyMemory<byte> payload) => RawAny.Pack(TypeUrl, payload.Span);

    /// <summary>Empty when the container carries no payload of this type (one FaasD did not create).</summary>
    public static ReadOnlyMemory<byte> Unpack(IReadOnlyDictionary<string, Any> extensions) =>
        RawAny.TryUnpack(extensions.GetValueOrDefault(Key), TypeUrl, out var payload) ? payload : ReadOnlyMemory<byte>.Empty;
}
