using System.Buffers;
using System.Text;
using FaasD.Systemd.Journal;
using NUnit.Framework;

namespace FaasD.Tests.Systemd.Journal;

public sealed class JournalEntryEncoderTests
{
    [Test]
    public void SingleLineValueIsNameEqualsValueNewline()
    {
        var output = new ArrayBufferWriter<byte>();
        JournalEntryEncoder.AppendField(output, "MESSAGE", "hello wörld");

        Assert.That(output.WrittenSpan.ToArray(), Is.EqualTo(Encoding.UTF8.GetBytes("MESSAGE=hello wörld\n")));
    }

    [Test]
    public void ValueWithNewlineUsesTheBinarySafeForm()
    {
        var output = new ArrayBufferWriter<byte>();
        JournalEntryEncoder.AppendField(output, "MESSAGE", "a\nb");

        // "MESSAGE\n", uint64 LE length 3, the bytes, "\n"
        byte[] expected = [.. "MESSAGE\n"u8, 3, 0, 0, 0, 0, 0, 0, 0, (byte)'a', (byte)'\n', (byte)'b', (byte)'\n'];
        Assert.That(output.WrittenSpan.ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public void BinaryLengthCountsUtf8BytesNotCharacters()
    {
        var output = new ArrayBufferWriter<byte>();
        JournalEntryEncoder.AppendField(output, "X", "é\n");

        Assert.That(output.WrittenSpan[2], Is.EqualTo(3)); // 'é' is two bytes, plus the newline
    }

    [TestCase("message")]
    [TestCase("_PID")]
    [TestCase("1ABC")]
    [TestCase("")]
    [TestCase("A-B")]
    public void RejectsNamesJournaldWouldDrop(string name)
    {
        Assert.That(JournalEntryEncoder.IsValidFieldName(name), Is.False);
        Assert.Throws<ArgumentException>(() => JournalEntryEncoder.AppendField(new ArrayBufferWriter<byte>(), name, "x"));
    }

    [TestCase("MESSAGE")]
    [TestCase("SYSLOG_IDENTIFIER")]
    [TestCase("CONTAINER_ID")]
    public void AcceptsClientFieldNames(string name) => Assert.That(JournalEntryEncoder.IsValidFieldName(name), Is.True);
}
