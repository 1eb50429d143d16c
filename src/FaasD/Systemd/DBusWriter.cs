using System.Buffers.Binary;
using System.Text;

namespace FaasD.Systemd;

/// <summary>
/// Marshals values in the D-Bus wire format, little-endian. Every value is aligned to its natural boundary,
/// counted from the start of the buffer; callers start a body on an 8-byte boundary of the message, so
/// alignment within a body written here is alignment within the message.
/// </summary>
public sealed class DBusWriter
{
    private byte[] _buffer = new byte[256];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, Length);

    public byte[] ToArray() => WrittenSpan.ToArray();

    /// <summary>Zero bytes up to the next multiple of <paramref name="alignment"/>, as the spec requires.</summary>
    public void Pad(int alignment)
    {
        var padding = (alignment - (Length % alignment)) % alignment;
        Reserve(padding).Clear();
    }

    public void WriteByte(byte value) => Reserve(1)[0] = value;

    /// <summary>BOOLEAN is a 32-bit 0 or 1.</summary>
    public void WriteBoolean(bool value) => WriteUInt32(value ? 1u : 0u);

    public void WriteInt32(int value)
    {
        Pad(4);
        BinaryPrimitives.WriteInt32LittleEndian(Reserve(4), value);
    }

    public void WriteUInt32(uint value)
    {
        Pad(4);
        BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), value);
    }

    public void WriteUInt64(ulong value)
    {
        Pad(8);
        BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), value);
    }

    /// <summary>STRING: uint32 byte length, UTF-8 bytes, a terminating NUL not counted in the length.</summary>
    public void WriteString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var length = Encoding.UTF8.GetByteCount(value);
        WriteUInt32((uint)length);
        Encoding.UTF8.GetBytes(value, Reserve(length));
        WriteByte(0);
    }

    /// <summary>OBJECT_PATH has the layout of STRING.</summary>
    public void WriteObjectPath(string value) => WriteString(value);

    /// <summary>SIGNATURE: a single length byte, ASCII type codes, NUL.</summary>
    public void WriteSignature(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > 255)
        {
            throw new ArgumentException("A D-Bus signature is at most 255 characters.", nameof(value));
        }

        WriteByte((byte)value.Length);
        Encoding.ASCII.GetBytes(value, Reserve(value.Length));
        WriteByte(0);
    }

    /// <summary>
    /// ARRAY: uint32 length in bytes of the elements, then padding to the element alignment (not counted in
    /// the length, present even for an empty array), then the elements.
    /// </summary>
    public void WriteArray<T>(IEnumerable<T> items, int elementAlignment, Action<DBusWriter, T> writeItem)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(writeItem);
        Pad(4);
        var lengthOffset = Length;
        Reserve(4);
        Pad(elementAlignment);
        var start = Length;
        foreach (var item in items)
        {
            writeItem(this, item);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(lengthOffset, 4), (uint)(Length - start));
    }

    public void WriteStringArray(IEnumerable<string> values) => WriteArray(values, 4, static (w, s) => w.WriteString(s));

    /// <summary>STRUCT and DICT_ENTRY start on an 8-byte boundary; their members follow with their own alignment.</summary>
    public void BeginStruct() => Pad(8);

    /// <summary>VARIANT: the value's signature, then the value.</summary>
    public void WriteVariant(string signature, Action<DBusWriter> writeValue)
    {
        ArgumentNullException.ThrowIfNull(writeValue);
        WriteSignature(signature);
        writeValue(this);
    }

    private Span<byte> Reserve(int count)
    {
        if (Length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + count));
        }

        var span = _buffer.AsSpan(Length, count);
        Length += count;
        return span;
    }
}
