namespace FaasD.Systemd;

/// <summary>
/// The few calls of systemd's org.freedesktop.systemd1.Manager that install and start-up need, over our own
/// D-Bus connection (we speak to systemd through its API, never by running systemctl).
/// </summary>
public sealed class SystemdManager : ISystemdManager
{
    public const string NoSuchUnitError = "org.freedesktop.systemd1.NoSuchUnit";

    private const string Destination = "org.freedesktop.systemd1";
    private const string ManagerPath = "/org/freedesktop/systemd1";
    private const string ManagerInterface = "org.freedesktop.systemd1.Manager";
    private const string UnitInterface = "org.freedesktop.systemd1.Unit";
    private const string JobInterface = "org.freedesktop.systemd1.Job";
    private const string PropertiesInterface = "org.freedesktop.DBus.Properties";

    /// <summary>How systemd answers for a job object that no longer exists.</summary>
    private static readonly HashSet<string> JobGoneErrors =
    [
        "org.freedesktop.DBus.Error.UnknownObject",
        "org.freedesktop.DBus.Error.UnknownInterface",
        "org.freedesktop.DBus.Error.UnknownMethod",
        "org.freedesktop.systemd1.NoSuchJob",
    ];

    private readonly DBusConnection _connection;

    public SystemdManager(DBusConnection connection)
    {
        _connection = connection;
    }

    /// <summary>Connects to the system bus, or systemd's private socket when there is no bus.</summary>
    public static async Task<SystemdManager> ConnectAsync(CancellationToken cancellationToken) =>
        new(await DBusConnection.ConnectSystemAsync(cancellationToken));

    /// <summary>daemon-reload; systemd replies only once the reload has finished.</summary>
    public Task ReloadAsync(CancellationToken cancellationToken) => CallManagerAsync("Reload", string.Empty, null, cancellationToken);

    /// <summary>Enables unit files (names or absolute paths); returns the symlinks systemd made or removed.</summary>
    public async Task<IReadOnlyList<UnitFileChange>> EnableUnitFilesAsync(string[] files, bool runtime = false, bool force = true, CancellationToken cancellationToken = default)
    {
        var body = new DBusWriter();
        body.WriteStringArray(files);
        body.WriteBoolean(runtime);
        body.WriteBoolean(force);
        var reply = await CallManagerAsync("EnableUnitFiles", "asbb", body, cancellationToken);
        var changes = (IReadOnlyList<object>)reply.ReadBody()[1];
        return [.. changes.Cast<object[]>().Select(c => new UnitFileChange((string)c[0], (string)c[1], (string)c[2]))];
    }

    /// <summary>Queues a start job; returns the job's object path. The unit may still be activating.</summary>
    public Task<string> StartUnitAsync(string name, string mode = "replace", CancellationToken cancellationToken = default) =>
        UnitJobAsync("StartUnit", name, mode, cancellationToken);

    public Task<string> RestartUnitAsync(string name, string mode = "replace", CancellationToken cancellationToken = default) =>
        UnitJobAsync("RestartUnit", name, mode, cancellationToken);

    /// <summary>
    /// "active", "activating", "failed", "inactive"... A unit systemd has not loaded (GetUnit answers
    /// NoSuchUnit) cannot be running, so that is "inactive".
    /// </summary>
    public async Task<string> GetUnitActiveStateAsync(string name, CancellationToken cancellationToken = default)
    {
        string unitPath;
        try
        {
            var body = new DBusWriter();
            body.WriteString(name);
            unitPath = (string)(await CallManagerAsync("GetUnit", "s", body, cancellationToken)).ReadBody()[0];
        }
        catch (DBusErrorException ex) when (ex.ErrorName == NoSuchUnitError)
        {
            return "inactive";
        }

        var get = new DBusWriter();
        get.WriteString(UnitInterface);
        get.WriteString("ActiveState");
        var reply = await _connection.CallAsync(DBusMessage.MethodCall(Destination, unitPath, PropertiesInterface, "Get", "ss", get), cancellationToken);
        return (string)((DBusVariant)reply.ReadBody()[0]).Value;
    }

    /// <summary>
    /// Waits until systemd has finished the job (its object is gone), as systemctl does before it returns; for a
    /// Type=notify unit a start job finishes at READY=1 or failure. False when <paramref name="timeout"/> passes first.
    /// </summary>
    public async Task<bool> WaitForJobAsync(string jobPath, TimeSpan timeout, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        time ??= TimeProvider.System;
        var deadline = time.GetTimestamp() + (long)(timeout.TotalSeconds * time.TimestampFrequency);
        var get = new DBusWriter();
        get.WriteString(JobInterface);
        get.WriteString("State");
        var call = DBusMessage.MethodCall(Destination, jobPath, PropertiesInterface, "Get", "ss", get);
        while (true)
        {
            try
            {
                await _connection.CallAsync(call, cancellationToken);
            }
            catch (DBusErrorException ex) when (JobGoneErrors.Contains(ex.ErrorName))
            {
                return true;
            }

            if (time.GetTimestamp() >= deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private async Task<string> UnitJobAsync(string method, string name, string mode, CancellationToken cancellationToken)
    {
        var body = new DBusWriter();
        body.WriteString(name);
        body.WriteString(mode);
        return (string)(await CallManagerAsync(method, "ss", body, cancellationToken)).ReadBody()[0];
    }

    private Task<DBusMessage> CallManagerAsync(string member, string signature, DBusWriter? body, CancellationToken cancellationToken) =>
        _connection.CallAsync(DBusMessage.MethodCall(Destination, ManagerPath, ManagerInterface, member, signature, body), cancellationToken);
}
