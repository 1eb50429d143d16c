using System.Net.Sockets;

namespace FaasD.Systemd;

/// <summary>
/// A connection to a D-Bus peer over a unix socket: the system bus, or systemd's private socket when no bus
/// daemon runs (systemctl falls back the same way). Calls are made one at a time under one lock: our callers
/// (install, a health check) make a handful of calls, so a reply is simply the next message whose reply
/// serial matches; signals and anything else in between are skipped.
/// </summary>
public sealed class DBusConnection : IAsyncDisposable
{
    public const string SystemBusSocket = "/run/dbus/system_bus_socket";
    public const string SystemdPrivateSocket = "/run/systemd/private";

    private const string BusName = "org.freedesktop.DBus";
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _callLock = new(1, 1);
    private readonly byte[] _preamble = new byte[DBusMessage.PreambleLength];
    private uint _lastSerial;
    private bool _broken;

    /// <summary>Takes a connected socket (a NetworkStream refuses an unconnected one).</summary>
    private DBusConnection(Socket socket, string socketPath)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        SocketPath = socketPath;
    }

    public string SocketPath { get; }

    /// <summary>Our unique name on a bus (":1.42"); null on a peer-to-peer connection.</summary>
    public string? UniqueName { get; private set; }

    /// <summary>The system bus when it is there, else systemd's private socket (root only).</summary>
    public static async Task<DBusConnection> ConnectSystemAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(SystemBusSocket))
        {
            try
            {
                return await ConnectAsync(SystemBusSocket, isBus: true, cancellationToken);
            }
            catch (SocketException) when (File.Exists(SystemdPrivateSocket))
            {
                // A stale socket file from a stopped dbus-daemon: fall through to systemd's own socket.
            }
        }

        if (File.Exists(SystemdPrivateSocket))
        {
            return await ConnectAsync(SystemdPrivateSocket, isBus: false, cancellationToken);
        }

        throw new DBusProtocolException($"Neither {SystemBusSocket} nor {SystemdPrivateSocket} exists: is systemd running?");
    }

    /// <summary>Connects and authenticates; on a bus also says Hello, which the bus requires before any call.</summary>
    public static async Task<DBusConnection> ConnectAsync(string socketPath, bool isBus, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var connection = new DBusConnection(socket, socketPath);
        try
        {
            await DBusAuthenticator.AuthenticateAsync(connection._stream, DBusAuthenticator.EffectiveUid(), cancellationToken);
            if (isBus)
            {
                var hello = await connection.CallAsync(DBusMessage.MethodCall(BusName, "/org/freedesktop/DBus", BusName, "Hello"), cancellationToken);
                connection.UniqueName = (string)hello.ReadBody()[0];
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends a method call and returns its reply; an error reply throws <see cref="DBusErrorException"/>.</summary>
    public async Task<DBusMessage> CallAsync(DBusMessage call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        await _callLock.WaitAsync(cancellationToken);
        try
        {
            // A call abandoned mid-message (cancelled, or a read failed) leaves the stream unaligned.
            ObjectDisposedException.ThrowIf(_broken, this);
            _broken = true;
            var serial = ++_lastSerial;
            await _stream.WriteAsync(call.Encode(serial), cancellationToken);
            while (true)
            {
                var message = await ReadMessageAsync(cancellationToken);
                if (message.ReplySerial != serial || message.Type is not (DBusMessageType.MethodReturn or DBusMessageType.Error))
                {
                    continue;
                }

                _broken = false;
                if (message.Type == DBusMessageType.Error)
                {
                    var body = message.Signature.StartsWith('s') ? (string)message.ReadBody()[0] : string.Empty;
                    throw new DBusErrorException(message.ErrorName ?? "org.freedesktop.DBus.Error.Failed", body);
                }

                return message;
            }
        }
        finally
        {
            _callLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _socket.Dispose();
        _callLock.Dispose();
    }

    private async Task<DBusMessage> ReadMessageAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _stream.ReadExactlyAsync(_preamble, cancellationToken);
            var message = new byte[DBusMessage.TotalLength(_preamble)];
            _preamble.CopyTo(message, 0);
            await _stream.ReadExactlyAsync(message.AsMemory(DBusMessage.PreambleLength), cancellationToken);
            return DBusMessage.Decode(message);
        }
        catch (EndOfStreamException ex)
        {
            throw new DBusProtocolException($"D-Bus peer at {SocketPath} closed the connection.", ex);
        }
    }
}
