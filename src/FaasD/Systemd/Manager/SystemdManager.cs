namespace FaasD.Systemd.Manager;

/// <summary>
/// The few calls of systemd's org.freedesktop.systemd1.Manager that install and start-up need, over Tmds.DBus.Protocol
/// (we speak to systemd through its API, never by running systemctl). Replies are read as the types the API
/// documents; a job is waited for with the JobRemoved signal, as systemctl does.
/// </summary>
internal sealed class SystemdManager : ISystemdManager
{
    public const string NoSuchUnitError = "org.freedesktop.systemd1.NoSuchUnit";

    private const string Destination = "org.freedesktop.systemd1";
    private const string ManagerPath = "/org/freedesktop/systemd1";
    private const string ManagerInterface = "org.freedesktop.systemd1.Manager";
    private const string UnitInterface = "org.freedesktop.systemd1.Unit";
    private const string PropertiesInterface = "org.freedesktop.DBus.Properties";

    /// <summary>How long systemd may take to answer one call (a Reload on a slow SD card takes seconds, not minutes).</summary>
    internal static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    private readonly DBusConnection _connection;
    private readonly bool _viaBus;
    private readonly TimeProvider _time;
    private readonly JobTracker _jobs = new();
    private readonly SemaphoreSlim _watchLock = new(1, 1);
    private IDisposable? _jobWatch;

    /// <param name="viaBus">False on systemd's private socket: a peer connection, where there is no bus to AddMatch with.</param>
    public SystemdManager(DBusConnection connection, bool viaBus, TimeProvider time)
    {
        _connection = connection;
        _viaBus = viaBus;
        _time = time;
    }

    /// <summary>Connects to the system bus, or systemd's private socket when there is no bus; logs which one.</summary>
    public static async Task<ISystemdManager> ConnectAsync(ILogger logger, CancellationToken cancellationToken)
    {
        var (connection, viaBus) = await SystemdBus.ConnectAsync(SystemdBus.SystemBusAddress, SystemdBus.PrivateSocket, logger, cancellationToken);
        return new SystemdManager(connection, viaBus, TimeProvider.System);
    }

    public Task ReloadAsync(CancellationToken cancellationToken) =>
        AnswerAsync(_connection.CallMethodAsync(ManagerCall("Reload")), "Reload", cancellationToken);

    public Task<IReadOnlyList<UnitFileChange>> EnableUnitFilesAsync(string[] files, bool runtime = false, bool force = true, CancellationToken cancellationToken = default) =>
        AnswerAsync(_connection.CallMethodAsync(EnableUnitFilesCall(files, runtime, force), ManagerReplies.EnableUnitFiles, null), "EnableUnitFiles", cancellationToken);

    public Task<string> StartUnitAsync(string name, string mode = "replace", CancellationToken cancellationToken = default) =>
        QueueJobAsync("StartUnit", name, mode, cancellationToken);

    public Task<string> RestartUnitAsync(string name, string mode = "replace", CancellationToken cancellationToken = default) =>
        QueueJobAsync("RestartUnit", name, mode, cancellationToken);

    public async Task<string> GetUnitActiveStateAsync(string name, CancellationToken cancellationToken = default)
    {
        string unitPath;
        try
        {
            unitPath = await AnswerAsync(_connection.CallMethodAsync(ManagerCall("GetUnit", name), ManagerReplies.ObjectPath, null), "GetUnit", cancellationToken);
        }
        catch (DBusErrorReplyException ex) when (ex.ErrorName == NoSuchUnitError)
        {
            // A unit systemd has not loaded cannot be running.
            return "inactive";
        }

        return await AnswerAsync(_connection.CallMethodAsync(GetProperty(unitPath, UnitInterface, "ActiveState"), ManagerReplies.StringVariant, null), "Get ActiveState", cancellationToken);
    }

    public async Task<string?> WaitForJobAsync(string jobPath, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (_jobWatch is null)
        {
            throw new InvalidOperationException($"{jobPath} was not queued through this connection: its JobRemoved signal is not being watched.");
        }

        try
        {
            return await _jobs.WhenRemoved(jobPath).WaitAsync(timeout, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            _jobs.Forget(jobPath);
            return null;
        }
    }

    public ValueTask DisposeAsync()
    {
        _jobWatch?.Dispose();
        _connection.Dispose();
        _watchLock.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<string> QueueJobAsync(string method, string name, string mode, CancellationToken cancellationToken)
    {
        await WatchJobsAsync(cancellationToken);
        return await AnswerAsync(_connection.CallMethodAsync(ManagerCall(method, name, mode), ManagerReplies.ObjectPath, null), method, cancellationToken);
    }

    /// <summary>
    /// Before the first job is queued: watch JobRemoved and Subscribe (on the bus systemd sends its signals only
    /// while some client is subscribed; on the private socket it sends them to every connection anyway).
    /// </summary>
    private async Task WatchJobsAsync(CancellationToken cancellationToken)
    {
        await _watchLock.WaitAsync(cancellationToken);
        try
        {
            if (_jobWatch is not null)
            {
                return;
            }

            // No sender in the rule: on the private socket messages carry none, and path + interface name systemd.
            var rule = new MatchRule { Type = MessageType.Signal, Path = ManagerPath, Interface = ManagerInterface, Member = "JobRemoved" };
            var flags = ObserverFlags.EmitOnConnectionClosed | ObserverFlags.EmitOnConnectionFailed | ObserverFlags.EmitOnReaderFailed;
            _jobWatch = await AnswerAsync(_connection.AddMatchAsync(
                rule,
                ManagerReplies.JobRemoved,
                static (Notification<JobRemoved> notification) =>
                {
                    var jobs = (JobTracker)notification.State!;
                    if (notification.HasValue)
                    {
                        jobs.OnJobRemoved(notification.Value.JobPath, notification.Value.Result);
                    }
                    else
                    {
                        jobs.OnBroken(notification.CompletionReason);
                    }
                },
                emitOnCapturedContext: false,
                flags: _viaBus ? flags : flags | ObserverFlags.NoSubscribe,
                state: _jobs).AsTask(), "AddMatch JobRemoved", cancellationToken);

            await AnswerAsync(_connection.CallMethodAsync(ManagerCall("Subscribe")), "Subscribe", cancellationToken);
        }
        finally
        {
            _watchLock.Release();
        }
    }

    /// <summary>
    /// Every call is bounded, as systemctl bounds its own (25 s): a manager that never answers makes install fail
    /// with a reason instead of hanging. Queued jobs are waited for separately (<see cref="WaitForJobAsync"/>).
    /// </summary>
    private async Task AnswerAsync(Task call, string member, CancellationToken cancellationToken)
    {
        try
        {
            await call.WaitAsync(CallTimeout, _time, cancellationToken);
        }
        catch (TimeoutException ex)
        {
            throw NoAnswer(member, ex);
        }
    }

    private async Task<T> AnswerAsync<T>(Task<T> call, string member, CancellationToken cancellationToken)
    {
        try
        {
            return await call.WaitAsync(CallTimeout, _time, cancellationToken);
        }
        catch (TimeoutException ex)
        {
            throw NoAnswer(member, ex);
        }
    }

    private static SystemdUnreachableException NoAnswer(string member, TimeoutException ex) =>
        new($"systemd did not answer {member} within {CallTimeout.TotalSeconds:0} s", ex);

    /// <summary>A call on the manager object with string arguments (all the calls here that are not EnableUnitFiles).</summary>
    private MessageBuffer ManagerCall(string member, params string[] arguments)
    {
        using var writer = _connection.GetMessageWriter();
        writer.WriteMethodCallHeader(Destination, ManagerPath, ManagerInterface, member, arguments.Length == 0 ? null : new string('s', arguments.Length));
        foreach (var argument in arguments)
        {
            writer.WriteString(argument);
        }

        return writer.CreateMessage();
    }

    private MessageBuffer EnableUnitFilesCall(string[] files, bool runtime, bool force)
    {
        using var writer = _connection.GetMessageWriter();
        writer.WriteMethodCallHeader(Destination, ManagerPath, ManagerInterface, "EnableUnitFiles", "asbb");
        writer.WriteArray(files);
        writer.WriteBool(runtime);
        writer.WriteBool(force);
        return writer.CreateMessage();
    }

    private MessageBuffer GetProperty(string objectPath, string @interface, string property)
    {
        using var writer = _connection.GetMessageWriter();
        writer.WriteMethodCallHeader(Destination, objectPath, PropertiesInterface, "Get", "ss");
        writer.WriteString(@interface);
        writer.WriteString(property);
        return writer.CreateMessage();
    }
}
