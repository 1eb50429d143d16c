using System.Text;
using FaasD.Queue.Embedded;
using NUnit.Framework;

namespace FaasD.Queue.Tests.Embedded;

internal sealed class SegmentLogTests
{
    private string _dir = null!;

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("faasd-queue-log-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task Replays_calls_without_an_ack_with_their_last_attempt()
    {
        var (log, recovered) = await SegmentLog.OpenAsync(_dir, 1 << 20, CancellationToken.None);
        Assert.That(recovered.Pending, Is.Empty);
        using (log)
        {
            await AppendAsync(log, Enqueue(1, "a"), Enqueue(2, "b"), Enqueue(3, "c"));
            await AppendAsync(log, new LogRecord(RecordKind.Ack, 2), new LogRecord(RecordKind.Attempt, 3, 4, 12345));
        }

        var (again, replay) = await SegmentLog.OpenAsync(_dir, 1 << 20, CancellationToken.None);
        again.Dispose();
        Assert.That(replay.Pending.Select(p => Encoding.UTF8.GetString(p.Payload)), Is.EqualTo(new[] { "a", "c" }));
        Assert.That(replay.Pending[1].AttemptsMade, Is.EqualTo(4));
        Assert.That(replay.Pending[1].NotBeforeMs, Is.EqualTo(12345));
        Assert.That(replay.NextSequence, Is.EqualTo(4));
        Assert.That(replay.TruncatedBytes, Is.Zero);
    }

    [Test]
    public async Task A_record_torn_at_any_byte_is_cut_off_and_the_log_goes_on_from_the_last_whole_record()
    {
        var (log, _) = await SegmentLog.OpenAsync(_dir, 1 << 20, CancellationToken.None);
        using (log)
        {
            await AppendAsync(log, Enqueue(1, "first"), Enqueue(2, "second"));
        }

        var segment = Directory.GetFiles(_dir, "*.seg").Single();
        var whole = await File.ReadAllBytesAsync(segment);
        var lastFrame = Enqueue(3, "third-and-torn").Encode();
        for (var cut = 1; cut < lastFrame.Length; cut++)
        {
            await File.WriteAllBytesAsync(segment, [.. whole, .. lastFrame.AsSpan(0, cut)]);
            var (reopened, recovered) = await SegmentLog.OpenAsync(_dir, 1 << 20, CancellationToken.None);
            reopened.Dispose();
            Assert.That(recovered.Pending.Select(p => p.Sequence), Is.EqualTo(new long[] { 1, 2 }), $"cut at {cut}");
            Assert.That(recovered.TruncatedBytes, Is.EqualTo(cut));
            Assert.That(new FileInfo(segment).Length, Is.EqualTo(whole.Length));
        }

        var (log2, _) = await SegmentLog.OpenAsync(_dir, 1 << 20, CancellationToken.None);
        using (log2)
        {
            await AppendAsync(log2, Enqueue(3, "after"));
        }

        var (log3, final) = await SegmentLog.OpenAsync(_dir, 1 << 20, CancellationToken.None);
        log3.Dispose();
        Assert.That(final.Pending.Select(p => Encoding.UTF8.GetString(p.Payload)), Is.EqualTo(new[] { "first", "second", "after" }));
    }

    [Test]
    public async Task A_last_record_with_a_bad_checksum_or_a_garbage_length_is_dropped()
    {
        var (log, _) = await SegmentLog.OpenAsync(_dir, 1 << 20, CancellationToken.None);
        using (log)
        {
            await AppendAsync(log, Enqueue(1, "kept"), Enqueue(2, "flipped"));
        }

        var segment = Directory.GetFiles(_dir, "*.seg").Single();
        var bytes = await File.ReadAllBytesAsync(segment);
        bytes[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(segment, bytes);
        var (a, flipped) = await SegmentLog.OpenAsync(_dir, 1 << 20, CancellationToken.None);
        a.Dispose();
        Assert.That(flipped.Pending.Select(p => p.Sequence), Is.EqualTo(new long[] { 1 }));

        await File.AppendAllTextAsync(segment, "\xff\xff\xff\x7fgarbage");
        var (b, garbage) = await SegmentLog.OpenAsync(_dir, 1 << 20, CancellationToken.None);
        b.Dispose();
        Assert.That(garbage.Pending.Select(p => p.Sequence), Is.EqualTo(new long[] { 1 }));
        Assert.That(garbage.TruncatedBytes, Is.GreaterThan(0));
    }

    [Test]
    public async Task Old_segments_are_deleted_once_every_call_in_them_is_acknowledged()
    {
        var (log, _) = await SegmentLog.OpenAsync(_dir, segmentBytes: 100, CancellationToken.None);
        using (log)
        {
            for (var i = 1; i <= 10; i++)
            {
                await AppendAsync(log, Enqueue(i, new string('x', 80)));
            }

            Assert.That(Directory.GetFiles(_dir, "*.seg"), Has.Length.EqualTo(10));
            for (var i = 1; i <= 6; i++)
            {
                await AppendAsync(log, new LogRecord(RecordKind.Ack, i));
            }

            // Segment 8 is all acked too, but 7 is not: only a prefix of old segments may go.
            await AppendAsync(log, new LogRecord(RecordKind.Ack, 8));
        }

        var left = Directory.GetFiles(_dir, "*.seg").Select(f => long.Parse(Path.GetFileNameWithoutExtension(f), System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        Assert.That(left.First(), Is.EqualTo(7));
        var (again, recovered) = await SegmentLog.OpenAsync(_dir, segmentBytes: 100, CancellationToken.None);
        again.Dispose();
        Assert.That(recovered.Pending.Select(p => p.Sequence), Is.EqualTo(new long[] { 7, 9, 10 }));
        Assert.That(recovered.NextSequence, Is.EqualTo(11));
    }

    private static LogRecord Enqueue(long sequence, string payload) => new(RecordKind.Enqueue, sequence, Payload: Encoding.UTF8.GetBytes(payload));

    private static Task AppendAsync(SegmentLog log, params LogRecord[] records) =>
        log.AppendAsync([.. records.Select(r => (r.Encode(), r))], CancellationToken.None);
}
