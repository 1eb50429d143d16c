using System.Threading.Channels;

namespace FaasD.Queue.Embedded;

/// <summary>
/// Group commit: callers hand records to one writer task, which writes everything that has gathered since its
/// last fsync, fsyncs once, and only then completes every caller of that batch. Under load a batch holds many
/// calls, so the cost of the fsync (the price of "202 means on disk") is shared instead of paid per call.
/// </summary>
internal sealed class GroupCommitWriter : IAsyncDisposable
{
    private const int MaxBatchRecords = 4096;
    private const long MaxBatchBytes = 8L * 1024 * 1024;

    private readonly SegmentLog _log;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    public GroupCommitWriter(SegmentLog log)
    {
        _log = log;
        _loop = Task.Run(() => RunAsync(_stopping.Token));
    }

    /// <summary>Completes once the record is on disk; throws the write's <see cref="IOException"/> if it is not.</summary>
    public Task AppendAsync(LogRecord record, CancellationToken cancellationToken)
    {
        var write = new PendingWrite(record.Encode(), record, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(write))
        {
            throw new IOException("the queue log is closed");
        }

        // The caller may stop waiting; the record is still written (and is then replayed or acknowledged as usual).
        return write.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Writes what is queued, then closes the log.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        try
        {
            await _loop;
        }
        finally
        {
            _stopping.Dispose();
            _log.Dispose();
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var batch = new List<PendingWrite>();
        var frames = new List<(byte[] Frame, LogRecord Record)>();
        while (await _queue.Reader.WaitToReadAsync(cancellationToken))
        {
            batch.Clear();
            frames.Clear();
            long bytes = 0;
            while (batch.Count < MaxBatchRecords && bytes < MaxBatchBytes && _queue.Reader.TryRead(out var write))
            {
                batch.Add(write);
                frames.Add((write.Frame, write.Record));
                bytes += write.Frame.Length;
            }

            try
            {
                await _log.AppendAsync(frames, cancellationToken);
                foreach (var write in batch)
                {
                    write.Done.TrySetResult();
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                foreach (var write in batch)
                {
                    write.Done.TrySetException(new IOException($"queue log write failed: {ex.Message}", ex));
                }
            }
        }
    }

    private sealed record PendingWrite(byte[] Frame, LogRecord Record, TaskCompletionSource Done);
}
