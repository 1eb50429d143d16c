using System.Buffers;

namespace FaasD.Systemd.Journal;

/// <summary>
/// Sends entries to journald over its native datagram socket. Never blocks the caller: the socket is
/// non-blocking, and an entry that finds journald's buffer full is dropped and counted, because a log
/// line is worth less than a stalled function. Entries too large for one datagram go as a sealed memfd.
/// Thread safe.
/// </summary>
public sealed class JournalWriter : IDisposable
{
    public const string DefaultSocketPath = "/run/systemd/journal/socket";

    /// <summary>What is kept of MESSAGE when neither a datagram nor a memfd could carry the whole entry.</summary>
    internal const int TruncatedMessageChars = 16 * 1024;

    private readonly string _socketPath;
    private readonly Lock _connectGate = new();
    private Socket? _socket;
    private long _dropped;
    private bool _disposed;

    public JournalWriter(string socketPath = DefaultSocketPath)
    {
        _socketPath = socketPath;
    }

    /// <summary>Whether journald listens here; a stat, cheap enough to ask before every decision.</summary>
    public bool IsAvailable => File.Exists(_socketPath);

    /// <summary>Entries dropped because journald was absent or its buffer was full.</summary>
    public long DroppedEntries => Interlocked.Read(ref _dropped);

    /// <summary>Writes one entry: MESSAGE, PRIORITY, SYSLOG_IDENTIFIER and any extra client fields.</summary>
    public JournalWriteResult Write(
        JournalPriority priority,
        string identifier,
        string message,
        IReadOnlyList<KeyValuePair<string, string>>? fields = null)
    {
        var entry = Encode(priority, identifier, message, fields);
        var outcome = TrySend(entry.WrittenSpan, out var socket);
        if (outcome != SocketError.MessageSize || socket is null)
        {
            return Count(outcome == SocketError.Success ? JournalWriteResult.Sent : JournalWriteResult.Dropped);
        }

        if (JournalMemfd.TrySend(socket, entry.WrittenSpan))
        {
            return JournalWriteResult.SentAsMemfd;
        }

        var note = $"… [truncated by faasd: {message.Length} characters did not fit one journal entry]";
        var shortened = Encode(priority, identifier, string.Concat(message.AsSpan(0, Math.Min(message.Length, TruncatedMessageChars)), note), fields);
        return Count(TrySend(shortened.WrittenSpan, out _) == SocketError.Success ? JournalWriteResult.SentTruncated : JournalWriteResult.Dropped);
    }

    public void Dispose()
    {
        lock (_connectGate)
        {
            _disposed = true;
            _socket?.Dispose();
            _socket = null;
        }
    }

    private static ArrayBufferWriter<byte> Encode(
        JournalPriority priority,
        string identifier,
        string message,
        IReadOnlyList<KeyValuePair<string, string>>? fields)
    {
        var entry = new ArrayBufferWriter<byte>(message.Length + 128);
        JournalEntryEncoder.AppendField(entry, "PRIORITY", ((int)priority).ToString(CultureInfo.InvariantCulture));
        JournalEntryEncoder.AppendField(entry, "SYSLOG_IDENTIFIER", identifier);
        JournalEntryEncoder.AppendField(entry, "MESSAGE", message);
        foreach (var (name, value) in fields ?? [])
        {
            JournalEntryEncoder.AppendField(entry, name, value);
        }

        return entry;
    }

    private JournalWriteResult Count(JournalWriteResult result)
    {
        if (result == JournalWriteResult.Dropped)
        {
            Interlocked.Increment(ref _dropped);
        }

        return result;
    }

    /// <summary>
    /// One non-blocking send. EAGAIN (buffer full) is final; a refused or reset socket gets one retry on a
    /// fresh connection, because journald restarting leaves the old connected socket refusing forever.
    /// </summary>
    private SocketError TrySend(ReadOnlySpan<byte> entry, out Socket? socket)
    {
        var error = SocketError.NotConnected;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            socket = Connect();
            if (socket is null)
            {
                return SocketError.NotConnected;
            }

            try
            {
                socket.Send(entry, SocketFlags.None, out error);
            }
            catch (ObjectDisposedException)
            {
                continue; // another thread reset the socket under us: take the fresh one
            }

            if (error is SocketError.Success or SocketError.WouldBlock or SocketError.MessageSize)
            {
                return error;
            }

            Reset(socket);
        }

        socket = null;
        return error;
    }

    private Socket? Connect()
    {
        lock (_connectGate)
        {
            if (_socket is not null || _disposed)
            {
                return _socket;
            }

            var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            try
            {
                socket.Connect(new UnixDomainSocketEndPoint(_socketPath));
                socket.Blocking = false;
                _socket = socket;
                return socket;
            }
            catch (SocketException)
            {
                socket.Dispose();
                return null;
            }
        }
    }

    private void Reset(Socket broken)
    {
        lock (_connectGate)
        {
            if (ReferenceEquals(_socket, broken))
            {
                _socket = null;
                broken.Dispose();
            }
        }
    }
}
