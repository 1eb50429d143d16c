using FaasD.Systemd;
using NUnit.Framework;

namespace FaasD.Tests.Systemd;

public sealed class DBusWriterTests
{
    [Test]
    public void StringIsLengthBytesAndNul()
    {
        var writer = new DBusWriter();
        writer.WriteString("abc");

        Assert.That(writer.ToArray(), Is.EqualTo(new byte[] { 3, 0, 0, 0, (byte)'a', (byte)'b', (byte)'c', 0 }));
    }

    [Test]
    public void SignatureHasOneLengthByte()
    {
        var writer = new DBusWriter();
        writer.WriteSignature("asbb");

        Assert.That(writer.ToArray(), Is.EqualTo(new byte[] { 4, (byte)'a', (byte)'s', (byte)'b', (byte)'b', 0 }));
    }

    [Test]
    public void StringArrayLengthExcludesItsOwnFieldAndPadsBetweenElements()
    {
        var writer = new DBusWriter();
        writer.WriteStringArray(["a", "bc"]);

        byte[] expected = [15, 0, 0, 0, 1, 0, 0, 0, (byte)'a', 0, 0, 0, 2, 0, 0, 0, (byte)'b', (byte)'c', 0];
        Assert.That(writer.ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public void EmptyArrayOfStructsStillPadsToTheStructBoundary()
    {
        var writer = new DBusWriter();
        writer.WriteArray(Array.Empty<string>(), 8, static (_, _) => { });

        Assert.That(writer.ToArray(), Is.EqualTo(new byte[8]));
    }

    [Test]
    public void EnableUnitFilesBodyMatchesTheWireLayout()
    {
        var writer = new DBusWriter();
        writer.WriteStringArray(["faasd.service"]);
        writer.WriteBoolean(false);
        writer.WriteBoolean(true);

        byte[] expected =
        [
            18, 0, 0, 0,                                   // array: 18 bytes of elements
            13, 0, 0, 0, .. "faasd.service"u8, 0,          // one string
            0, 0,                                          // pad to 4 for the boolean
            0, 0, 0, 0,                                    // runtime = false
            1, 0, 0, 0,                                    // force = true
        ];
        Assert.That(writer.ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public void ValuesReadBackAsWritten()
    {
        var writer = new DBusWriter();
        writer.WriteBoolean(true);
        writer.WriteArray(
            [("symlink", "/etc/systemd/system/multi-user.target.wants/faasd.service", "/etc/systemd/system/faasd.service")],
            8,
            static (w, change) =>
            {
                w.BeginStruct();
                w.WriteString(change.Item1);
                w.WriteString(change.Item2);
                w.WriteString(change.Item3);
            });
        writer.WriteVariant("s", static w => w.WriteString("active"));
        writer.WriteUInt64(ulong.MaxValue);

        var values = new DBusReader(writer.ToArray()).ReadValues("ba(sss)vt");

        Assert.That(values[0], Is.True);
        var change = (object[])((IReadOnlyList<object>)values[1])[0];
        Assert.That(change, Is.EqualTo(new object[] { "symlink", "/etc/systemd/system/multi-user.target.wants/faasd.service", "/etc/systemd/system/faasd.service" }));
        Assert.That(values[2], Is.EqualTo(new DBusVariant("s", "active")));
        Assert.That(values[3], Is.EqualTo(ulong.MaxValue));
    }

    [Test]
    public void TruncatedInputIsAProtocolErrorNotAnIndexError()
    {
        Assert.Throws<DBusProtocolException>(() => new DBusReader(new byte[] { 10, 0, 0, 0, (byte)'a' }).ReadValues("s"));
    }
}
