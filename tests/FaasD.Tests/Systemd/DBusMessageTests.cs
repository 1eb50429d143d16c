using System.Text;
using FaasD.Systemd;
using NUnit.Framework;

namespace FaasD.Tests.Systemd;

public sealed class DBusMessageTests
{
    /// <summary>The Hello call as every D-Bus client sends it first (as seen on the wire from libdbus and sd-bus).</summary>
    private static readonly byte[] HelloOnTheWire = Encoding.Latin1.GetBytes(
        "l\u0001\u0000\u0001\u0000\u0000\u0000\u0000\u0001\u0000\u0000\u0000m\u0000\u0000\u0000"
        + "\u0001\u0001o\u0000\u0015\u0000\u0000\u0000/org/freedesktop/DBus\u0000\u0000\u0000"
        + "\u0002\u0001s\u0000\u0014\u0000\u0000\u0000org.freedesktop.DBus\u0000\u0000\u0000\u0000"
        + "\u0003\u0001s\u0000\u0005\u0000\u0000\u0000Hello\u0000\u0000\u0000"
        + "\u0006\u0001s\u0000\u0014\u0000\u0000\u0000org.freedesktop.DBus\u0000\u0000\u0000\u0000");

    [Test]
    public void HelloEncodesToTheKnownBytes()
    {
        var hello = DBusMessage.MethodCall("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "Hello");

        Assert.That(hello.Encode(serial: 1), Is.EqualTo(HelloOnTheWire));
    }

    [Test]
    public void HelloDecodesFromTheKnownBytes()
    {
        var message = DBusMessage.Decode(HelloOnTheWire);

        Assert.That(message.Type, Is.EqualTo(DBusMessageType.MethodCall));
        Assert.That(message.Serial, Is.EqualTo(1));
        Assert.That(message.Path, Is.EqualTo("/org/freedesktop/DBus"));
        Assert.That(message.Member, Is.EqualTo("Hello"));
        Assert.That(message.Destination, Is.EqualTo("org.freedesktop.DBus"));
        Assert.That(message.Body.Length, Is.Zero);
        Assert.That(DBusMessage.TotalLength(HelloOnTheWire), Is.EqualTo(HelloOnTheWire.Length));
    }

    [Test]
    public void CallWithBodyCarriesSignatureAndBodyAfterAlignedHeader()
    {
        var body = new DBusWriter();
        body.WriteString("faasd.service");
        body.WriteString("replace");
        var call = DBusMessage.MethodCall("org.freedesktop.systemd1", "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager", "StartUnit", "ss", body);

        var bytes = call.Encode(serial: 7);
        var decoded = DBusMessage.Decode(bytes);

        Assert.That((bytes.Length - body.Length) % 8, Is.Zero, "the body starts on an 8-byte boundary");
        Assert.That(decoded.Signature, Is.EqualTo("ss"));
        Assert.That(decoded.Serial, Is.EqualTo(7));
        Assert.That(decoded.ReadBody(), Is.EqualTo(new object[] { "faasd.service", "replace" }));
    }

    [Test]
    public void ErrorReplyDecodesNameReplySerialAndText()
    {
        var body = new DBusWriter();
        body.WriteString("Unit nope.service not loaded.");
        var error = new DBusMessage
        {
            Type = DBusMessageType.Error,
            ErrorName = "org.freedesktop.systemd1.NoSuchUnit",
            ReplySerial = 3,
            Signature = "s",
            Body = body.ToArray(),
        };

        var decoded = DBusMessage.Decode(error.Encode(serial: 9));

        Assert.That(decoded.Type, Is.EqualTo(DBusMessageType.Error));
        Assert.That(decoded.ErrorName, Is.EqualTo("org.freedesktop.systemd1.NoSuchUnit"));
        Assert.That(decoded.ReplySerial, Is.EqualTo(3));
        Assert.That(decoded.ReadBody()[0], Is.EqualTo("Unit nope.service not loaded."));
    }

    [Test]
    public void BigEndianMessagesAreRefusedClearly()
    {
        var bytes = DBusMessage.MethodCall(null, "/", "i.f", "M").Encode(1);
        bytes[0] = (byte)'B';

        Assert.That(() => DBusMessage.Decode(bytes), Throws.TypeOf<DBusProtocolException>().With.Message.Contains("little-endian"));
    }

    [TestCase(0u, "AUTH EXTERNAL 30\r\n")]
    [TestCase(1000u, "AUTH EXTERNAL 31303030\r\n")]
    public void AuthExternalSendsTheUidAsHexOfItsDecimalDigits(uint uid, string line)
    {
        Assert.That(DBusAuthenticator.AuthExternalLine(uid), Is.EqualTo(line));
    }
}
