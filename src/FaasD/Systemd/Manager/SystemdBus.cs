namespace FaasD.Systemd.Manager;

/// <summary>
/// Where systemd's manager API is reached: the system bus, or systemd's own private socket when no bus daemon
/// answers (a minimal image without dbus, or dbus stopped). systemctl falls back the same way. The private socket
/// is a peer-to-peer connection to PID 1: no bus in between, so no AddMatch and no sender on the signals.
/// </summary>
internal static partial class SystemdBus
{
    public const string PrivateSocket = "/run/systemd/private";

    /// <summary>DBUS_SYSTEM_BUS_ADDRESS when set (as libdbus and sd-bus read it), else the bus daemon's well-known socket.</summary>
    public static string SystemBusAddress => DBusAddress.System ?? "unix:path=/var/run/dbus/system_bus_socket";

    /// <summary>A connection to systemd and whether it goes through a bus (true) or the private socket (false).</summary>
    public static Task<(DBusConnection Connection, bool ViaBus)> ConnectAsync(
        string systemBusAddress, string privateSocket, ILogger logger, CancellationToken cancellationToken) =>
        ConnectAsync(systemBusAddress, privateSocket, HandshakeTimeout, logger, cancellationToken);

    /// <param name="handshakeTimeout">How long one connect attempt may take before it is dropped and tried again.</param>
    internal static async Task<(DBusConnection Connection, bool ViaBus)> ConnectAsync(
        string systemBusAddress, string privateSocket, TimeSpan handshakeTimeout, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await OpenAsync(systemBusAddress, handshakeTimeout, logger, cancellationToken);
            Log.ViaSystemBus(logger, systemBusAddress);
            return (connection, true);
        }
        catch (Exception ex) when (IsConnectFailure(ex))
        {
            if (!File.Exists(privateSocket))
            {
                throw new SystemdUnreachableException(
                    $"Cannot reach systemd: the system bus ({systemBusAddress}) refused ({ex.Message}) and {privateSocket} does not exist. Is systemd PID 1?", ex);
            }

            Log.SystemBusUnavailable(logger, systemBusAddress, ex.Message);
        }

        try
        {
            var connection = await OpenAsync("unix:path=" + privateSocket, handshakeTimeout, logger, cancellationToken);
            Log.ViaPrivateSocket(logger, privateSocket);
            return (connection, false);
        }
        catch (Exception ex) when (IsConnectFailure(ex))
        {
            throw new SystemdUnreachableException($"Cannot reach systemd on {privateSocket} ({ex.Message}); connecting there needs root.", ex);
        }
    }

    private static bool IsConnectFailure(Exception ex) => ex is DBusExceptionBase or SocketException or IOException or TimeoutException;

    /// <summary>How long one connect (socket, authentication, Hello) may take; systemd answers in milliseconds.</summary>
    internal static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    private const int HandshakeAttempts = 3;

    /// <summary>
    /// Connect, authenticate and Hello, each attempt bounded: a handshake that stalls (seen on systemd's private
    /// socket right after the bus daemon stopped; systemctl connected at the same moment) is dropped and tried
    /// again on a new socket instead of hanging the install. The library's connect takes no token, so we stop waiting.
    /// </summary>
    private static async Task<DBusConnection> OpenAsync(string address, TimeSpan handshakeTimeout, ILogger logger, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var connection = new DBusConnection(address);
            try
            {
                await connection.ConnectAsync().AsTask().WaitAsync(handshakeTimeout, cancellationToken);
                return connection;
            }
            catch (TimeoutException) when (attempt < HandshakeAttempts)
            {
                connection.Dispose();
                Log.HandshakeStalled(logger, address, handshakeTimeout.TotalSeconds, attempt, HandshakeAttempts);
            }
            catch (TimeoutException ex)
            {
                connection.Dispose();
                throw new TimeoutException($"no answer to the D-Bus handshake within {handshakeTimeout.TotalSeconds:0.#} s, {HandshakeAttempts} attempts", ex);
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.SystemdViaSystemBus, Level = LogLevel.Information, Message = "Talking to systemd over the system bus at {Address}")] public static partial void ViaSystemBus(ILogger logger, string address);

        [LoggerMessage(EventId = LogEvents.SystemBusUnavailable, Level = LogLevel.Information, Message = "System bus at {Address} unavailable ({Reason}): falling back to systemd's private socket")] public static partial void SystemBusUnavailable(ILogger logger, string address, string reason);

        [LoggerMessage(EventId = LogEvents.SystemdViaPrivateSocket, Level = LogLevel.Information, Message = "Talking to systemd over its private socket {Path}")] public static partial void ViaPrivateSocket(ILogger logger, string path);

        [LoggerMessage(EventId = LogEvents.SystemdHandshakeStalled, Level = LogLevel.Warning, Message = "{Address}: the D-Bus handshake did not complete within {Seconds} s (attempt {Attempt} of {Attempts}); connecting again")] public static partial void HandshakeStalled(ILogger logger, string address, double seconds, int attempt, int attempts);
    }
}
