using Microsoft.Extensions.Hosting;

namespace FaasD.Queue.Embedded;

/// <summary>
/// The default queue: calls go into a <see cref="SegmentLog"/> under the state directory through the
/// <see cref="GroupCommitWriter"/>, and <see cref="EnqueueAsync"/> returns (so the gateway sends 202) only after
/// the fsync. On start every call without an ack is replayed, with its retry count and retry time. A call is in
/// one process only, so it never runs twice at once; after a crash a call that was running runs again
/// (at least once).
/// </summary>
internal sealed partial class EmbeddedQueue(
    IOptions<AsyncQueueOptions> options,
    CallDispatcher dispatcher,
    TimeProvider time,
    ILogger<EmbeddedQueue> logger) : IAsyncInvocationQueue, IHostedService
{
    private readonly AsyncQueueOptions _options = options.Value;
    private readonly CallDispatcher _dispatcher = dispatcher;
    private readonly TimeProvider _time = time;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private GroupCommitWriter? _writer;
    private long _nextSequence;
    private int _outstanding;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var (log, recovered) = await SegmentLog.OpenAsync(_options.Directory, _options.SegmentBytes, cancellationToken);
            _writer = new GroupCommitWriter(log);
            _nextSequence = recovered.NextSequence;
            if (recovered.TruncatedBytes > 0)
            {
                Log.TornTail(logger, recovered.TruncatedBytes, _options.Directory);
            }

            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            foreach (var entry in recovered.Pending)
            {
                if (QueuedCall.TryParse(entry.Payload) is not { } call)
                {
                    Log.Unreadable(logger, entry.Sequence);
                    await _writer.AppendAsync(new LogRecord(RecordKind.Ack, entry.Sequence), cancellationToken);
                    continue;
                }

                Interlocked.Increment(ref _outstanding);
                _dispatcher.SubmitAfter(new Delivery(this, entry.Sequence, call, entry.AttemptsMade), TimeSpan.FromMilliseconds(Math.Max(0, entry.NotBeforeMs - now)));
            }

            Log.Opened(logger, _options.Directory, recovered.Pending.Count, recovered.Segments);
            _ready.TrySetResult();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.OpenFailed(logger, _options.Directory, ex.Message);
            _ready.TrySetException(ex);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _dispatcher.DisposeAsync();
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }
    }

    public async Task<EnqueueResult> EnqueueAsync(AsyncInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        try
        {
            await _ready.Task.WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new EnqueueResult(EnqueueStatus.Unavailable, $"the queue log in {_options.Directory} cannot be opened: {ex.Message}");
        }

        if (Interlocked.Increment(ref _outstanding) > _options.MaxQueued)
        {
            Interlocked.Decrement(ref _outstanding);
            return new EnqueueResult(EnqueueStatus.Full, $"the async queue holds its maximum of {_options.MaxQueued} calls");
        }

        var call = QueuedCall.From(invocation);
        var sequence = Interlocked.Increment(ref _nextSequence) - 1;
        try
        {
            var payload = call.ToUtf8Json();

            // Not the caller's token: once handed to the writer the record is written anyway, and must then be run.
            await _writer!.AppendAsync(new LogRecord(RecordKind.Enqueue, sequence, Payload: payload), CancellationToken.None);
        }
        catch (IOException ex)
        {
            Interlocked.Decrement(ref _outstanding);
            Log.WriteFailed(logger, call.CallId, ex.Message);
            return new EnqueueResult(EnqueueStatus.Unavailable, "the async queue cannot write to disk");
        }

        _dispatcher.Submit(new Delivery(this, sequence, call, 0));
        return new EnqueueResult(EnqueueStatus.Accepted);
    }

    public Task<IReadOnlyList<QueueDepth>> DepthAsync(CancellationToken cancellationToken) => Task.FromResult(_dispatcher.Depth());

    private async Task AckAsync(long sequence, string callId)
    {
        try
        {
            await _writer!.AppendAsync(new LogRecord(RecordKind.Ack, sequence), CancellationToken.None);
        }
        catch (IOException ex)
        {
            Log.WriteFailed(logger, callId, ex.Message);
        }
        finally
        {
            Interlocked.Decrement(ref _outstanding);
        }
    }

    private sealed class Delivery(EmbeddedQueue queue, long sequence, QueuedCall call, int attemptsMade) : ICallDelivery
    {
        public QueuedCall Call => call;

        public int AttemptsMade => attemptsMade;

        /// <summary>
        /// The ack goes to the writer but is not waited for: the worker's slot is free at once instead of after the
        /// next fsync. An ack lost to a crash only means the call runs again, which at-least-once allows.
        /// </summary>
        public Task CompleteAsync(CancellationToken cancellationToken)
        {
            _ = queue.AckAsync(sequence, call.CallId);
            return Task.CompletedTask;
        }

        public async Task RetryLaterAsync(int attemptsMade, TimeSpan delay, CancellationToken cancellationToken)
        {
            var notBefore = queue._time.GetUtcNow().Add(delay).ToUnixTimeMilliseconds();
            await queue._writer!.AppendAsync(new LogRecord(RecordKind.Attempt, sequence, attemptsMade, notBefore), CancellationToken.None);
            queue._dispatcher.SubmitAfter(new Delivery(queue, sequence, call, attemptsMade), delay);
        }

        /// <summary>Nothing to write: without an ack the call is replayed by the next start.</summary>
        public Task AbandonAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.QueueOpened, Level = LogLevel.Information, Message = "Async queue: embedded log in {Directory}, {Pending} call(s) to run from before, {Segments} segment(s)")] public static partial void Opened(ILogger logger, string directory, int pending, int segments);

        [LoggerMessage(EventId = LogEvents.QueueTornTail, Level = LogLevel.Warning, Message = "Async queue: cut {Bytes} bytes of a record torn by a crash or power loss from the log in {Directory} (that call was never acknowledged)")] public static partial void TornTail(ILogger logger, long bytes, string directory);

        [LoggerMessage(EventId = LogEvents.QueueRecordUnreadable, Level = LogLevel.Error, Message = "Async queue: record {Sequence} is not a readable call; dropped")] public static partial void Unreadable(ILogger logger, long sequence);

        [LoggerMessage(EventId = LogEvents.QueueOpenFailed, Level = LogLevel.Error, Message = "Async queue: cannot open the log in {Directory}: {Reason}; async calls answer 503")] public static partial void OpenFailed(ILogger logger, string directory, string reason);

        [LoggerMessage(EventId = LogEvents.QueueWriteFailed, Level = LogLevel.Error, Message = "Async queue: call {CallId} could not be written: {Reason}")] public static partial void WriteFailed(ILogger logger, string callId, string reason);
    }
}
