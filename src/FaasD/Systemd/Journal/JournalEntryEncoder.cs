using System.Buffers;
using System.Buffers.Binary;

namespace FaasD.Systemd.Journal;

/// <summary>
/// Encodes fields in journald's native protocol: <c>NAME=value\n</c> for single-line values, and for values
/// containing a newline <c>NAME\n</c>, the value's length as a little-endian uint64, the raw bytes, <c>\n</c>.
/// The second form is binary safe, so any value is always correct in it; the first keeps entries readable.
/// </summary>
public static class JournalEntryEncoder
{
    /// <summary>Appends one field. Field names are client fields: A–Z, 0–9, '_', not starting with '_' or a digit.</summary>
    public static void AppendField(IBufferWriter<byte> output, string name, ReadOnlySpan<char> value)
    {
        ArgumentNullException.ThrowIfNull(output);
        ValidateName(name);
        var nameLength = Encoding.ASCII.GetBytes(name, output.GetSpan(name.Length));
        output.Advance(nameLength);

        var valueLength = Encoding.UTF8.GetByteCount(value);
        if (value.Contains('\n'))
        {
            var header = output.GetSpan(1 + sizeof(ulong));
            header[0] = (byte)'\n';
            BinaryPrimitives.WriteUInt64LittleEndian(header[1..], (ulong)valueLength);
            output.Advance(1 + sizeof(ulong));
        }
        else
        {
            output.GetSpan(1)[0] = (byte)'=';
            output.Advance(1);
        }

        output.Advance(Encoding.UTF8.GetBytes(value, output.GetSpan(valueLength)));
        output.GetSpan(1)[0] = (byte)'\n';
        output.Advance(1);
    }

    /// <summary>True when journald would accept this as a field name sent by a client.</summary>
    public static bool IsValidFieldName(string name) =>
        name.Length is > 0 and <= 64
        && name[0] is not '_' and not (>= '0' and <= '9')
        && name.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_');

    private static void ValidateName(string name)
    {
        if (!IsValidFieldName(name))
        {
            throw new ArgumentException($"'{name}' is not a journal field name: use A-Z, 0-9 and '_', not starting with '_' or a digit.", nameof(name));
        }
    }
}
