using FaasD.Systemd;
using FaasD.TestSupport;
using NUnit.Framework;

namespace FaasD.Tests.Systemd;

[Integration]
public sealed class DBusConnectionTests
{
    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;

    [Test]
    public async Task HelloGivesAUniqueNameAndCallsReturnTypedValues()
    {
        await using var daemon = await PrivateDBusDaemon.StartAsync(Timeout);
        await using var connection = await DBusConnection.ConnectAsync(daemon.SocketPath, isBus: true, Timeout);

        Assert.That(connection.UniqueName, Does.StartWith(":1."));

        var reply = await connection.CallAsync(Bus("ListNames"), Timeout);
        Assert.That(reply.Signature, Is.EqualTo("as"));
        Assert.That((IReadOnlyList<object>)reply.ReadBody()[0], Does.Contain("org.freedesktop.DBus").And.Contain(connection.UniqueName));
    }

    [Test]
    public async Task CallsWithArgumentsReachTheDaemonIntact()
    {
        await using var daemon = await PrivateDBusDaemon.StartAsync(Timeout);
        await using var connection = await DBusConnection.ConnectAsync(daemon.SocketPath, isBus: true, Timeout);

        var body = new DBusWriter();
        body.WriteString(connection.UniqueName!);
        var reply = await connection.CallAsync(Bus("NameHasOwner", "s", body), Timeout);

        Assert.That(reply.ReadBody()[0], Is.True);
    }

    [Test]
    public async Task ErrorRepliesBecomeExceptionsCarryingTheErrorName()
    {
        await using var daemon = await PrivateDBusDaemon.StartAsync(Timeout);
        await using var connection = await DBusConnection.ConnectAsync(daemon.SocketPath, isBus: true, Timeout);

        var body = new DBusWriter();
        body.WriteString("org.example.Nobody");
        var error = Assert.ThrowsAsync<DBusErrorException>(() => connection.CallAsync(Bus("GetNameOwner", "s", body), Timeout));

        Assert.That(error!.ErrorName, Is.EqualTo("org.freedesktop.DBus.Error.NameHasNoOwner"));

        // The connection stays usable after an error reply.
        Assert.That((await connection.CallAsync(Bus("GetId"), Timeout)).ReadBody()[0], Has.Length.EqualTo(32));
    }

    private static DBusMessage Bus(string member, string signature = "", DBusWriter? body = null) =>
        DBusMessage.MethodCall("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", member, signature, body);
}
