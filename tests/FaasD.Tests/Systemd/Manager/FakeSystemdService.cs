using Tmds.DBus.Protocol;

namespace FaasD.Tests.Systemd.Manager;

/// <summary>
/// Owns org.freedesktop.systemd1 on a private dbus-daemon and answers the manager calls FaasD makes with the
/// signatures systemd documents (org.freedesktop.systemd1(5)), so the client is tested through a real bus daemon.
/// Jobs finish at once with <see cref="JobResult"/> (their JobRemoved signal is sent before the reply, the hardest
/// order for a client) unless <see cref="JobsNeverFinish"/> is set.
/// </summary>
internal sealed class FakeSystemdService : IPathMethodHandler, IDisposable
{
    private const string ManagerPath = "/org/freedesktop/systemd1";
    private const string ManagerInterface = "org.freedesktop.systemd1.Manager";
    private const string UnitPathPrefix = "/org/freedesktop/systemd1/unit/";

    private readonly DBusConnection _connection;
    private readonly Lock _gate = new();
    private uint _lastJob;

    private FakeSystemdService(DBusConnection connection)
    {
        _connection = connection;
    }

    public string Path => ManagerPath;

    public bool HandlesChildPaths => true;

    /// <summary>Member names in the order they arrived (with their string arguments).</summary>
    public List<string> Calls { get; } = [];

    /// <summary>Loaded units and their ActiveState; others answer NoSuchUnit.</summary>
    public Dictionary<string, string> Units { get; } = new(StringComparer.Ordinal);

    public string JobResult { get; set; } = "done";

    public bool JobsNeverFinish { get; set; }

    /// <summary>
    /// Send JobRemoved to the caller only, as systemd does on its private socket (a peer connection, where every
    /// message reaches the one client); by default it is broadcast, as systemd does on the bus.
    /// </summary>
    public bool UnicastSignals { get; set; }

    public static async Task<FakeSystemdService> StartAsync(string busSocket)
    {
        var connection = new DBusConnection("unix:path=" + busSocket);
        await connection.ConnectAsync();
        var service = new FakeSystemdService(connection);
        connection.AddMethodHandler(service);
        await connection.RequestNameAsync("org.freedesktop.systemd1", RequestNameOptions.Default);
        return service;
    }

    public string[] CallsSnapshot()
    {
        lock (_gate)
        {
            return [.. Calls];
        }
    }

    public ValueTask HandleMethodAsync(MethodContext context)
    {
        var request = context.Request;
        var member = request.MemberAsString ?? string.Empty;
        var reader = request.GetBodyReader();
        if (request.InterfaceAsString == "org.freedesktop.DBus.Properties" && member == "Get")
        {
            var (_, property) = (reader.ReadString(), reader.ReadString());
            var unit = Units.Keys.Single(u => UnitPath(u) == request.PathAsString);
            Record($"Get {unit} {property}");
            using var writer = context.CreateReplyWriter("v");
            writer.WriteVariantString(Units[unit]);
            context.Reply(writer.CreateMessage());
            return ValueTask.CompletedTask;
        }

        if (request.InterfaceAsString != ManagerInterface || request.PathAsString != ManagerPath)
        {
            context.ReplyUnknownMethodError();
            return ValueTask.CompletedTask;
        }

        switch (member)
        {
            case "Reload" or "Subscribe":
                Record(member);
                ReplyEmpty(context);
                break;
            case "EnableUnitFiles":
                EnableUnitFiles(context, reader.ReadArrayOfString(), reader.ReadBool(), reader.ReadBool());
                break;
            case "StartUnit" or "RestartUnit":
                QueueJob(context, member, reader.ReadString(), reader.ReadString());
                break;
            case "GetUnit":
                GetUnit(context, reader.ReadString());
                break;
            default:
                context.ReplyUnknownMethodError();
                break;
        }

        return ValueTask.CompletedTask;
    }

    public void Dispose() => _connection.Dispose();

    private void EnableUnitFiles(MethodContext context, string[] files, bool runtime, bool force)
    {
        Record($"EnableUnitFiles {string.Join(',', files)} runtime={runtime} force={force}");
        using var writer = context.CreateReplyWriter("ba(sss)");
        writer.WriteBool(false);
        var array = writer.WriteArrayStart(DBusType.Struct);
        foreach (var file in files)
        {
            writer.WriteStructureStart();
            writer.WriteString("symlink");
            writer.WriteString($"/etc/systemd/system/multi-user.target.wants/{file}");
            writer.WriteString($"/etc/systemd/system/{file}");
        }

        writer.WriteArrayEnd(array);
        context.Reply(writer.CreateMessage());
    }

    private void QueueJob(MethodContext context, string member, string unit, string mode)
    {
        Record($"{member} {unit} {mode}");
        if (!Units.ContainsKey(unit))
        {
            context.ReplyError("org.freedesktop.systemd1.NoSuchUnit", $"Unit {unit} not found.");
            return;
        }

        var id = Interlocked.Increment(ref _lastJob);
        var job = $"/org/freedesktop/systemd1/job/{id}";
        if (!JobsNeverFinish)
        {
            Units[unit] = JobResult == "done" ? "active" : "failed";
            using var signal = _connection.GetMessageWriter();
            signal.WriteSignalHeader(UnicastSignals ? context.Request.SenderAsString : null, ManagerPath, ManagerInterface, "JobRemoved", "uoss");
            signal.WriteUInt32(id);
            signal.WriteObjectPath(job);
            signal.WriteString(unit);
            signal.WriteString(JobResult);
            _connection.TrySendMessage(signal.CreateMessage());
        }

        using var writer = context.CreateReplyWriter("o");
        writer.WriteObjectPath(job);
        context.Reply(writer.CreateMessage());
    }

    private void GetUnit(MethodContext context, string unit)
    {
        Record($"GetUnit {unit}");
        if (!Units.ContainsKey(unit))
        {
            context.ReplyError("org.freedesktop.systemd1.NoSuchUnit", $"Unit {unit} not loaded.");
            return;
        }

        using var writer = context.CreateReplyWriter("o");
        writer.WriteObjectPath(UnitPath(unit));
        context.Reply(writer.CreateMessage());
    }

    /// <summary>Object paths allow only [A-Za-z0-9_]: systemd writes other bytes of a unit name as _xx.</summary>
    private static string UnitPath(string unit) =>
        UnitPathPrefix + string.Concat(unit.Select(c => char.IsAsciiLetterOrDigit(c) ? c.ToString() : $"_{(int)c:x2}"));

    private static void ReplyEmpty(MethodContext context)
    {
        using var writer = context.CreateReplyWriter(null);
        context.Reply(writer.CreateMessage());
    }

    private void Record(string call)
    {
        lock (_gate)
        {
            Calls.Add(call);
        }
    }
}
