using FaasD.Systemd.Install;

namespace FaasD.Systemd.Manager;

/// <summary>
/// For `faasd up` under systemd: asks systemd whether containerd.service is active, so a stopped containerd
/// is reported as the one command that fixes it instead of as a socket error.
/// </summary>
public sealed partial class ContainerdServiceCheck
{
    private readonly Func<CancellationToken, Task<ISystemdManager>> _connect;
    private readonly Func<bool> _systemdRunning;
    private readonly ILogger<ContainerdServiceCheck> _logger;

    public ContainerdServiceCheck(Func<CancellationToken, Task<ISystemdManager>> connect, Func<bool> systemdRunning, ILogger<ContainerdServiceCheck> logger)
    {
        _connect = connect;
        _systemdRunning = systemdRunning;
        _logger = logger;
    }

    public static ContainerdServiceCheck ForSystem(ILogger<ContainerdServiceCheck> logger) =>
        new(ct => SystemdManager.ConnectAsync(logger, ct), () => SystemdEnvironment.IsSystemdRunning, logger);

    /// <summary>
    /// Null when containerd.service is active or systemd is not PID 1 (then containerd is someone else's job);
    /// otherwise the message to show. An unreachable D-Bus is logged and treated as no finding, because the
    /// containerd connection itself will then say what is wrong.
    /// </summary>
    public async Task<string?> FindProblemAsync(CancellationToken cancellationToken)
    {
        if (!_systemdRunning())
        {
            return null;
        }

        string state;
        try
        {
            await using var systemd = await _connect(cancellationToken);
            state = await systemd.GetUnitActiveStateAsync(Installer.ContainerdUnit, cancellationToken);
        }
        catch (Exception ex) when (ex is SystemdUnreachableException or DBusExceptionBase or IOException or System.Net.Sockets.SocketException)
        {
            Log.CheckFailed(_logger, ex);
            return null;
        }

        return state == "active"
            ? null
            : $"containerd.service is not active (it is {state}): run `systemctl start containerd`";
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.ContainerdCheckFailed, Level = LogLevel.Warning, Message = "Could not ask systemd whether containerd.service is active")] public static partial void CheckFailed(ILogger logger, Exception exception);
    }
}
