using System.Buffers;
using System.Text;
using FaasD.Gateway.Http;
using NUnit.Framework;

namespace FaasD.Gateway.Tests.Http;

/// <summary>The guard's judgement of buffered bytes, including a first line that straddles two pool blocks.</summary>
internal sealed class HttpVersionGuardInspectTests
{
    private const int MaxLine = 8192;

    [TestCase("GET / HTTP/1.1\r\nHost", HttpVersionGuard.Verdict.PassOn)]
    [TestCase("GET / HTTP/1.0\r\n", HttpVersionGuard.Verdict.PassOn)]
    [TestCase("GET / HTTP/9.9\r\n", HttpVersionGuard.Verdict.Unsupported)]
    [TestCase("GET / HTTP/9.9\n", HttpVersionGuard.Verdict.Unsupported)]
    [TestCase("GET / HTTP/1.1", HttpVersionGuard.Verdict.NeedMore)]
    [TestCase("", HttpVersionGuard.Verdict.NeedMore)]
    [TestCase("GET\r\n", HttpVersionGuard.Verdict.PassOn)]
    [TestCase("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", HttpVersionGuard.Verdict.PassOn)]
    [TestCase("PRI /x HTTP/2.0\r\n", HttpVersionGuard.Verdict.Unsupported)]
    public void Judges_the_first_line_in_one_or_many_segments(string text, HttpVersionGuard.Verdict expected)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        Assert.Multiple(() =>
        {
            Assert.That(HttpVersionGuard.Inspect(new ReadOnlySequence<byte>(bytes), MaxLine), Is.EqualTo(expected), "one segment");
            for (var cut = 1; cut < bytes.Length; cut++)
            {
                Assert.That(HttpVersionGuard.Inspect(Split(bytes, cut), MaxLine), Is.EqualTo(expected), $"split at {cut}");
            }
        });
    }

    [Test]
    public void A_buffer_past_the_request_line_limit_without_a_line_end_is_left_to_Kestrel()
    {
        var bytes = Encoding.ASCII.GetBytes("GET /" + new string('a', MaxLine));

        Assert.That(HttpVersionGuard.Inspect(new ReadOnlySequence<byte>(bytes), MaxLine), Is.EqualTo(HttpVersionGuard.Verdict.PassOn));
    }

    [Test]
    public void A_complete_line_past_the_limit_is_left_to_Kestrel_whatever_its_version()
    {
        var bytes = Encoding.ASCII.GetBytes("GET /" + new string('a', MaxLine) + " HTTP/9.9\r\n");

        Assert.That(HttpVersionGuard.Inspect(new ReadOnlySequence<byte>(bytes), MaxLine), Is.EqualTo(HttpVersionGuard.Verdict.PassOn));
    }

    private static ReadOnlySequence<byte> Split(byte[] bytes, int cut)
    {
        var first = new Segment(bytes.AsMemory(0, cut), 0);
        var last = first.Append(bytes.AsMemory(cut));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
