using System.Buffers.Binary;

namespace FaasD.Systemd;

/// <summary>
/// One D-Bus message. On the wire: a 12-byte fixed part (endianness 'l', type, flags, version 1, body length,
/// serial), an array of (code, variant) header fields, padding to 8, then the body.
/// </summary>
public sealed record DBusMessage
{
    /// <summary>The fixed part plus the header-field array's length: enough to know the whole message's size.</summary>
    public const int PreambleLength = 16;

    private const byte LittleEndian = (byte)'l';
    private const byte ProtocolVersion = 1;

    public DBusMessageType Type { get; init; }
    public byte Flags { get; init; }
    public uint Serial { get; init; }
    public uint? ReplySerial { get; init; }
    public string? Path { get; init; }
    public string? Interface { get; init; }
    public string? Member { get; init; }
    public string? ErrorName { get; init; }
    public string? Destination { get; init; }
    public string? Sender { get; init; }
    public string Signature { get; init; } = string.Empty;
    public ReadOnlyMemory<byte> Body { get; init; }

    public static DBusMessage MethodCall(string? destination, string path, string @interface, string member, string signature = "", DBusWriter? body = null) =>
        new()
        {
            Type = DBusMessageType.MethodCall,
            Destination = destination,
            Path = path,
            Interface = @interface,
            Member = member,
            Signature = signature,
            Body = body?.ToArray() ?? [],
        };

    /// <summary>The body's values, read by the message's signature.</summary>
    public IReadOnlyList<object> ReadBody() => new DBusReader(Body).ReadValues(Signature);

    /// <summary>Total size of a message from its first <see cref="PreambleLength"/> bytes.</summary>
    public static int TotalLength(ReadOnlySpan<byte> preamble)
    {
        if (preamble[0] != LittleEndian)
        {
            throw new DBusProtocolException($"Only little-endian messages are supported; got endianness byte 0x{preamble[0]:x2}.");
        }

        var bodyLength = BinaryPrimitives.ReadUInt32LittleEndian(preamble[4..]);
        var fieldsLength = BinaryPrimitives.ReadUInt32LittleEndian(preamble[12..]);
        var headerLength = Align8(PreambleLength + fieldsLength);
        var total = headerLength + bodyLength;
        if (total > 128 * 1024 * 1024)
        {
            throw new DBusProtocolException($"Message of {total} bytes exceeds the protocol's 128 MiB limit.");
        }

        return (int)total;
    }

    public byte[] Encode(uint serial)
    {
        var writer = new DBusWriter();
        writer.WriteByte(LittleEndian);
        writer.WriteByte((byte)Type);
        writer.WriteByte(Flags);
        writer.WriteByte(ProtocolVersion);
        writer.WriteUInt32((uint)Body.Length);
        writer.WriteUInt32(serial);
        writer.WriteArray(HeaderFields(), 8, static (w, field) =>
        {
            w.BeginStruct();
            w.WriteByte(field.Code);
            w.WriteVariant(field.Type, v => WriteFieldValue(v, field.Type, field.Value));
        });
        writer.Pad(8);
        return [.. writer.WrittenSpan, .. Body.Span];
    }

    public static DBusMessage Decode(ReadOnlyMemory<byte> message)
    {
        var total = TotalLength(message.Span);
        if (message.Length < total)
        {
            throw new DBusProtocolException($"Message truncated: {message.Length} of {total} bytes.");
        }

        var reader = new DBusReader(message);
        reader.ReadByte();
        var type = (DBusMessageType)reader.ReadByte();
        var flags = reader.ReadByte();
        var version = reader.ReadByte();
        if (version != ProtocolVersion)
        {
            throw new DBusProtocolException($"Unsupported D-Bus protocol version {version}.");
        }

        var bodyLength = (int)reader.ReadUInt32();
        var serial = reader.ReadUInt32();
        var fields = (IReadOnlyList<object>)reader.ReadValues("a(yv)")[0];
        reader.Align(8);

        var result = new DBusMessage
        {
            Type = type,
            Flags = flags,
            Serial = serial,
            Body = message.Slice(reader.Position, bodyLength),
        };
        foreach (object[] field in fields)
        {
            var value = ((DBusVariant)field[1]).Value;
            result = (byte)field[0] switch
            {
                DBusHeaderField.Path => result with { Path = (string)value },
                DBusHeaderField.Interface => result with { Interface = (string)value },
                DBusHeaderField.Member => result with { Member = (string)value },
                DBusHeaderField.ErrorName => result with { ErrorName = (string)value },
                DBusHeaderField.ReplySerial => result with { ReplySerial = (uint)value },
                DBusHeaderField.Destination => result with { Destination = (string)value },
                DBusHeaderField.Sender => result with { Sender = (string)value },
                DBusHeaderField.Signature => result with { Signature = (string)value },
                _ => result, // unknown fields must be ignored
            };
        }

        return result;
    }

    private IEnumerable<(byte Code, string Type, object Value)> HeaderFields()
    {
        if (Path is not null)
        {
            yield return (DBusHeaderField.Path, "o", Path);
        }

        if (Interface is not null)
        {
            yield return (DBusHeaderField.Interface, "s", Interface);
        }

        if (Member is not null)
        {
            yield return (DBusHeaderField.Member, "s", Member);
        }

        if (ErrorName is not null)
        {
            yield return (DBusHeaderField.ErrorName, "s", ErrorName);
        }

        if (ReplySerial is { } replySerial)
        {
            yield return (DBusHeaderField.ReplySerial, "u", replySerial);
        }

        if (Destination is not null)
        {
            yield return (DBusHeaderField.Destination, "s", Destination);
        }

        if (Signature.Length > 0)
        {
            yield return (DBusHeaderField.Signature, "g", Signature);
        }
    }

    private static void WriteFieldValue(DBusWriter writer, string type, object value)
    {
        switch (type)
        {
            case "u":
                writer.WriteUInt32((uint)value);
                break;
            case "g":
                writer.WriteSignature((string)value);
                break;
            default:
                writer.WriteString((string)value);
                break;
        }
    }

    private static uint Align8(uint length) => (length + 7) & ~7u;
}
