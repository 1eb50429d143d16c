using System.Buffers.Binary;
using System.Text;

namespace FaasD.Systemd;

/// <summary>
/// Unmarshals little-endian D-Bus values from a buffer that starts on an 8-byte boundary of its message.
/// Values are read by signature into plain .NET objects: integers, bool, string (also for o and g),
/// <see cref="IReadOnlyList{T}"/> of object for arrays, object[] for structs and dict entries, and
/// <see cref="DBusVariant"/> for variants.
/// </summary>
public sealed class DBusReader
{
    private readonly ReadOnlyMemory<byte> _buffer;

    public DBusReader(ReadOnlyMemory<byte> buffer)
    {
        _buffer = buffer;
    }

    public int Position { get; private set; }

    /// <summary>Reads one value for each complete type in <paramref name="signature"/>.</summary>
    public IReadOnlyList<object> ReadValues(string signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var values = new List<object>();
        var index = 0;
        while (index < signature.Length)
        {
            values.Add(ReadValue(signature, ref index));
        }

        return values;
    }

    public void Align(int alignment)
    {
        var padding = (alignment - (Position % alignment)) % alignment;
        Take(padding);
    }

    public byte ReadByte() => Take(1)[0];

    public bool ReadBoolean() => ReadUInt32() switch
    {
        0 => false,
        1 => true,
        var other => throw new DBusProtocolException($"BOOLEAN must be 0 or 1, got {other}."),
    };

    public uint ReadUInt32()
    {
        Align(4);
        return BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
    }

    public string ReadString()
    {
        var length = (int)ReadUInt32();
        var text = Encoding.UTF8.GetString(Take(length));
        ExpectNul();
        return text;
    }

    public string ReadSignature()
    {
        var length = ReadByte();
        var text = Encoding.ASCII.GetString(Take(length));
        ExpectNul();
        return text;
    }

    private object ReadValue(string signature, ref int index)
    {
        var code = signature[index++];
        switch (code)
        {
            case 'y': return ReadByte();
            case 'b': return ReadBoolean();
            case 'n': Align(2); return BinaryPrimitives.ReadInt16LittleEndian(Take(2));
            case 'q': Align(2); return BinaryPrimitives.ReadUInt16LittleEndian(Take(2));
            case 'i': Align(4); return BinaryPrimitives.ReadInt32LittleEndian(Take(4));
            case 'u': return ReadUInt32();
            case 'h': return ReadUInt32();
            case 'x': Align(8); return BinaryPrimitives.ReadInt64LittleEndian(Take(8));
            case 't': Align(8); return BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
            case 'd': Align(8); return BinaryPrimitives.ReadDoubleLittleEndian(Take(8));
            case 's' or 'o': return ReadString();
            case 'g': return ReadSignature();
            case 'v':
                var inner = ReadSignature();
                var innerIndex = 0;
                var value = ReadValue(inner, ref innerIndex);
                return new DBusVariant(inner, value);
            case 'a': return ReadArray(signature, ref index);
            case '(' or '{': return ReadStruct(signature, ref index, code == '(' ? ')' : '}');
            default: throw new DBusProtocolException($"Unsupported type code '{code}' in signature '{signature}'.");
        }
    }

    private List<object> ReadArray(string signature, ref int index)
    {
        var length = (int)ReadUInt32();
        var elementStart = index;
        Align(AlignmentOf(signature[elementStart]));
        var end = Position + length;
        var items = new List<object>();
        var elementEnd = SkipType(signature, elementStart);
        while (Position < end)
        {
            var i = elementStart;
            items.Add(ReadValue(signature, ref i));
        }

        if (Position != end)
        {
            throw new DBusProtocolException("Array elements overran the array's length.");
        }

        index = elementEnd;
        return items;
    }

    private object[] ReadStruct(string signature, ref int index, char close)
    {
        Align(8);
        var fields = new List<object>();
        while (signature[index] != close)
        {
            fields.Add(ReadValue(signature, ref index));
        }

        index++;
        return [.. fields];
    }

    /// <summary>The index just after the single complete type starting at <paramref name="index"/>.</summary>
    private static int SkipType(string signature, int index)
    {
        var code = signature[index];
        if (code == 'a')
        {
            return SkipType(signature, index + 1);
        }

        if (code is '(' or '{')
        {
            var depth = 0;
            do
            {
                depth += signature[index] is '(' or '{' ? 1 : signature[index] is ')' or '}' ? -1 : 0;
                index++;
            }
            while (depth > 0);
            return index;
        }

        return index + 1;
    }

    private static int AlignmentOf(char code) => code switch
    {
        'y' or 'g' or 'v' => 1,
        'n' or 'q' => 2,
        'x' or 't' or 'd' or '(' or '{' => 8,
        _ => 4,
    };

    private void ExpectNul()
    {
        if (ReadByte() != 0)
        {
            throw new DBusProtocolException("String is not NUL-terminated.");
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || Position + count > _buffer.Length)
        {
            throw new DBusProtocolException($"Message truncated: needed {count} bytes at offset {Position} of {_buffer.Length}.");
        }

        var span = _buffer.Span.Slice(Position, count);
        Position += count;
        return span;
    }
}

/// <summary>A variant value and the signature it was sent with.</summary>
public sealed record DBusVariant(string Signature, object Value);
