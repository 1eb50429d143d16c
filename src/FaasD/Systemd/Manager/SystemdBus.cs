using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Tmds.DBus.Protocol;

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
    public static async Task<(DBusConnection Connection, bool ViaBus)> ConnectAsync(
        string systemBusAddress, string privateSocket, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await OpenAsync(systemBusAddress, cancellationToken);
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
            var connection = await OpenAsync("unix:path=" + privateSocket, cancellationToken);
            Log.ViaPrivateSocket(logger, privateSocket);
            return (connection, false);
        }
        catch (Exception ex) when (IsConnectFailure(ex))
        {
            throw new SystemdUnreachableException($"Cannot reach systemd on {privateSocket} ({ex.Message}); connecting there needs root.", ex);
        }
    }

    private static bool IsConnectFailure(Exception ex) => ex is DBusExceptionBase or SocketException or IOException;

    /// <summary>Connect, authenticate and (on a bus) Hello; the library's connect takes no token, so we stop waiting instead.</summary>
    private static async Task<DBusConnection> OpenAsync(string address, CancellationToken cancellationToken)
    {
        var connection = new DBusConnection(address);
        try
        {
            await connection.ConnectAsync().AsTask().WaitAsync(cancellationToken);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.SystemdViaSystemBus, Level = LogLevel.Information, Message = "Talking to systemd over the system bus at {Address}")]
        public static partial void ViaSystemBus(ILogger logger, string address);

        [LoggerMessage(EventId = LogEvents.SystemBusUnavailable, Level = LogLevel.Information, Message = "System bus at {Address} unavailable ({Reason}): falling back to systemd's private socket")]
        public static partial void SystemBusUnavailable(ILogger logger, string address, string reason);

        [LoggerMessage(EventId = LogEvents.SystemdViaPrivateSocket, Level = LogLevel.Information, Message = "Talking to systemd over its private socket {Path}")]
        public static partial void ViaPrivateSocket(ILogger logger, string path);
    }
}
