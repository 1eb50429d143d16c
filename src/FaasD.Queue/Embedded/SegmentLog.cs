using FaasD.Shared;

namespace FaasD.Queue.Embedded;

/// <summary>
/// The embedded queue's storage: numbered append-only segment files of <see cref="LogRecord"/>s in one directory.
/// <code>
///   000000000001.seg  000000000002.seg  …  000000000007.seg ◄── appends (one fsync per batch)
///   └─ deleted once every call enqueued in it (and in all older segments) is acknowledged
/// </code>
/// Only segments at the old end are deleted, and an ack is always written after its enqueue, so a deleted segment
/// can hold only acks of calls that are gone too: replay never sees an ack without its enqueue mattering, nor an
/// enqueue whose ack was thrown away. Not thread-safe: one writer (<see cref="GroupCommitWriter"/>) owns it.
/// </summary>
internal sealed class SegmentLog : IDisposable
{
    private const string Extension = ".seg";

    private readonly string _directory;
    private readonly long _segmentBytes;
    private readonly SortedDictionary<long, int> _liveBySegment = [];
    private readonly Dictionary<long, long> _segmentOfSequence = [];
    private FileStream? _current;
    private long _currentId;

    private SegmentLog(string directory, long segmentBytes)
    {
        _directory = directory;
        _segmentBytes = segmentBytes;
    }

    public int SegmentCount => _liveBySegment.Count;

    /// <summary>
    /// Reads every segment, truncates a torn tail of the newest one, and returns the calls still to run.
    /// Corruption inside an older segment (which a finished fsync rules out) drops the rest of that segment only.
    /// </summary>
    public static async Task<(SegmentLog Log, RecoveredLog Recovered)> OpenAsync(string directory, long segmentBytes, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        foreach (var stray in Directory.EnumerateFiles(directory, ".*.tmp"))
        {
            File.Delete(stray);
        }

        var log = new SegmentLog(directory, segmentBytes);
        var ids = Directory.EnumerateFiles(directory, "*" + Extension)
            .Select(path => long.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : -1)
            .Where(id => id > 0)
            .Order()
            .ToList();

        var pending = new Dictionary<long, PendingEntry>();
        long maxSequence = 0;
        long truncated = 0;
        for (var i = 0; i < ids.Count; i++)
        {
            var id = ids[i];
            var path = log.PathOf(id);
            var data = await File.ReadAllBytesAsync(path, cancellationToken);
            var offset = 0;
            log._liveBySegment[id] = 0;
            while (offset < data.Length)
            {
                var outcome = LogRecord.TryRead(data.AsSpan(offset), out var record, out var consumed);
                if (outcome != ReadOutcome.Record)
                {
                    break;
                }

                offset += consumed;
                maxSequence = Math.Max(maxSequence, record.Sequence);
                log.Apply(id, record, pending);
            }

            if (offset < data.Length && i == ids.Count - 1)
            {
                // The write that was going on when the power went: cut it off so appends continue from a whole record.
                truncated = data.Length - offset;
                await using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
                stream.SetLength(offset);
                stream.Flush(flushToDisk: true);
            }
        }

        var nextSegment = ids.Count == 0 ? 1 : ids[^1];
        await log.OpenSegmentAsync(nextSegment, cancellationToken);
        log.Compact();
        var recovered = new RecoveredLog([.. pending.Values.OrderBy(p => p.Sequence)], maxSequence + 1, truncated, log.SegmentCount);
        return (log, recovered);
    }

    /// <summary>Writes the frames and makes them durable with one fsync; starts a new segment first if the current one is full.</summary>
    public async Task AppendAsync(IReadOnlyList<(byte[] Frame, LogRecord Record)> batch, CancellationToken cancellationToken)
    {
        if (_current!.Length >= _segmentBytes)
        {
            await OpenSegmentAsync(_currentId + 1, cancellationToken);
        }

        var before = _current.Length;
        try
        {
            foreach (var (frame, _) in batch)
            {
                await _current.WriteAsync(frame, cancellationToken);
            }

            _current.Flush(flushToDisk: true);
        }
        catch (IOException)
        {
            // Whatever part of the batch reached the file would hide every later record from replay: cut it off.
            TryTruncate(before);
            throw;
        }

        foreach (var (_, record) in batch)
        {
            Apply(_currentId, record, pending: null);
        }

        Compact();
    }

    public void Dispose() => _current?.Dispose();

    private void TryTruncate(long length)
    {
        try
        {
            _current!.SetLength(length);
        }
        catch (IOException)
        {
            // The disk is failing; replay stops at the torn record instead, losing only unacknowledged (never 202) calls after it.
        }
    }

    /// <summary>Deletes the oldest segments while nothing in them is still to run; the current one is kept.</summary>
    private void Compact()
    {
        while (_liveBySegment.Count > 1)
        {
            var (oldest, live) = _liveBySegment.First();
            if (live > 0 || oldest == _currentId)
            {
                return;
            }

            AtomicFile.Delete(PathOf(oldest));
            _liveBySegment.Remove(oldest);
        }
    }

    private void Apply(long segment, LogRecord record, Dictionary<long, PendingEntry>? pending)
    {
        switch (record.Kind)
        {
            case RecordKind.Enqueue:
                if (_segmentOfSequence.TryAdd(record.Sequence, segment))
                {
                    _liveBySegment[segment] = _liveBySegment.GetValueOrDefault(segment) + 1;
                    pending?.Add(record.Sequence, new PendingEntry(record.Sequence, record.Payload ?? [], 0, 0));
                }

                break;
            case RecordKind.Ack:
                if (_segmentOfSequence.Remove(record.Sequence, out var home))
                {
                    _liveBySegment[home]--;
                    pending?.Remove(record.Sequence);
                }

                break;
            case RecordKind.Attempt:
                if (pending is not null && pending.TryGetValue(record.Sequence, out var entry))
                {
                    pending[record.Sequence] = entry with { AttemptsMade = record.AttemptsMade, NotBeforeMs = record.NotBeforeMs };
                }

                break;
        }
    }

    private async Task OpenSegmentAsync(long id, CancellationToken cancellationToken)
    {
        var path = PathOf(id);
        if (!File.Exists(path))
        {
            // Created empty through temp + fsync + rename + directory fsync, so the file itself survives a power cut.
            await AtomicFile.WriteAsync(path, ReadOnlyMemory<byte>.Empty, cancellationToken);
        }

        if (_current is not null)
        {
            await _current.DisposeAsync();
        }

        _current = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 64 * 1024);
        _currentId = id;
        _liveBySegment.TryAdd(id, 0);
    }

    private string PathOf(long id) => Path.Combine(_directory, id.ToString("D12", CultureInfo.InvariantCulture) + Extension);
}
