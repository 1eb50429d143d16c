using System.Buffers.Binary;

namespace FaasD.Queue.Embedded;

internal enum RecordKind : byte
{
    /// <summary>A call was accepted; the payload is its JSON.</summary>
    Enqueue = 1,

    /// <summary>The call is finished (callback sent or none wanted); it is never run again.</summary>
    Ack = 2,

    /// <summary>An attempt failed and will be retried: how many were made and when the next may start.</summary>
    Attempt = 3,
}

/// <summary>
/// One framed record of the embedded log: <c>[u32 length][u32 crc32][body]</c>, little-endian, where body is
/// <c>[u8 kind][i64 sequence][i32 attempts made][i64 not-before, Unix ms][payload]</c>. Length and CRC cover the body,
/// so a record cut short by a power loss, or one with garbage after a crash, is recognised and never half-read.
/// </summary>
internal readonly record struct LogRecord(RecordKind Kind, long Sequence, int AttemptsMade = 0, long NotBeforeMs = 0, byte[]? Payload = null)
{
    public const int FrameHeader = 8;
    private const int BodyHeader = 1 + 8 + 4 + 8;

    /// <summary>Larger than any call the gateway accepts; a length beyond it can only be corruption.</summary>
    public const int MaxBody = 256 * 1024 * 1024;

    public byte[] Encode()
    {
        var payload = Payload ?? [];
        var frame = new byte[FrameHeader + BodyHeader + payload.Length];
        var body = frame.AsSpan(FrameHeader);
        body[0] = (byte)Kind;
        BinaryPrimitives.WriteInt64LittleEndian(body[1..], Sequence);
        BinaryPrimitives.WriteInt32LittleEndian(body[9..], AttemptsMade);
        BinaryPrimitives.WriteInt64LittleEndian(body[13..], NotBeforeMs);
        payload.CopyTo(body[BodyHeader..]);
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), Crc32.Compute(body));
        return frame;
    }

    /// <summary>Reads the record at the start of <paramref name="data"/>.</summary>
    public static ReadOutcome TryRead(ReadOnlySpan<byte> data, out LogRecord record, out int consumed)
    {
        record = default;
        consumed = 0;
        if (data.Length < FrameHeader)
        {
            return ReadOutcome.Incomplete;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(data);
        if (length < BodyHeader || length > MaxBody)
        {
            return ReadOutcome.Corrupt;
        }

        if (data.Length - FrameHeader < length)
        {
            return ReadOutcome.Incomplete;
        }

        var body = data.Slice(FrameHeader, (int)length);
        if (Crc32.Compute(body) != BinaryPrimitives.ReadUInt32LittleEndian(data[4..]))
        {
            return ReadOutcome.Corrupt;
        }

        var kind = (RecordKind)body[0];
        if (kind is not (RecordKind.Enqueue or RecordKind.Ack or RecordKind.Attempt))
        {
            return ReadOutcome.Corrupt;
        }

        record = new LogRecord(
            kind,
            BinaryPrimitives.ReadInt64LittleEndian(body[1..]),
            BinaryPrimitives.ReadInt32LittleEndian(body[9..]),
            BinaryPrimitives.ReadInt64LittleEndian(body[13..]),
            body[BodyHeader..].ToArray());
        consumed = FrameHeader + (int)length;
        return ReadOutcome.Record;
    }
}

internal enum ReadOutcome
{
    Record,

    /// <summary>The data ends inside the record: the tail of a write that did not finish.</summary>
    Incomplete,

    /// <summary>Length or checksum do not match: a torn write (or worse).</summary>
    Corrupt,
}
