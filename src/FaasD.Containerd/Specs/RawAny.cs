namespace FaasD.Containerd.Specs;

/// <summary>
/// <see cref="Any"/> values whose bytes are not a protobuf message: containerd keeps the type URL as the name of what
/// they are and stores the bytes as they are (the OCI runtime-spec JSON of <see cref="OciSpecAny"/>, the deployment
/// FaasD keeps as a container extension).
/// </summary>
public static class RawAny
{
    public static Any Pack(string typeUrl, ReadOnlySpan<byte> value) =>
        new() { TypeUrl = typeUrl, Value = ByteString.CopyFrom(value) };

    /// <summary>The bytes of <paramref name="packed"/> when it is of <paramref name="typeUrl"/>; false for any other type.</summary>
    public static bool TryUnpack(Any? packed, string typeUrl, out ReadOnlyMemory<byte> value)
    {
        if (packed is not null && packed.TypeUrl == typeUrl)
        {
            value = packed.Value.Memory;
            return true;
        }

        value = ReadOnlyMemory<byte>.Empty;
        return false;
    }
}
