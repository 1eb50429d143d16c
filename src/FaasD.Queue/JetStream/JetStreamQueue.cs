using Microsoft.Extensions.Hosting;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Net;

namespace FaasD.Queue.JetStream;

/// <summary>
/// The queue on NATS JetStream, for several daemons sharing one NATS (cluster):
/// <code>
///   stream   FAASD_ASYNC       work-queue retention, file storage, subjects faasd.async.&gt;, at most MaxQueued
///                              messages (discard new: a full stream refuses the publish → 429)
///   subject  faasd.async.&lt;namespace&gt;.&lt;function&gt;   one message per call, body = the call's JSON
///   consumer faasd-workers     one durable pull consumer shared by every daemon: each message goes to one of them;
///                              explicit ack, AckWait = --queue-ack-wait, kept alive with +WPI while a daemon holds it
/// </code>
/// Retries are naks with a delay, so any daemon may run the next attempt; the delivery count is the attempt count.
/// </summary>
internal sealed partial class JetStreamQueue(
    IOptions<AsyncQueueOptions> options,
    CallDispatcher dispatcher,
    TimeProvider time,
    ILogger<JetStreamQueue> logger) : IAsyncInvocationQueue, IHostedService, IAsyncDisposable
{
    /// <summary>Messages one daemon holds (waiting for a slot or running) before it pulls more.</summary>
    private const int MaxHeld = 256;

    /// <summary>JetStream's error code for a publish refused by a stream at its message limit.</summary>
    private const int MaximumMessagesExceeded = 10077;

    private readonly AsyncQueueOptions _options = options.Value;
    private readonly ConcurrentDictionary<Delivery, bool> _held = new();
    private readonly SemaphoreSlim _slots = new(MaxHeld, MaxHeld);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private NatsConnection? _connection;
    private INatsJSContext? _js;
    private Task? _consumeLoop;
    private Task? _heartbeatLoop;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Connect();
        _consumeLoop = Task.Run(() => ConsumeLoopAsync(_stopping.Token), CancellationToken.None);
        _heartbeatLoop = Task.Run(() => HeartbeatLoopAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await dispatcher.DisposeAsync();
        foreach (var task in new[] { _consumeLoop, _heartbeatLoop })
        {
            if (task is not null)
            {
                await task.ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        _stopping.Dispose();
        _slots.Dispose();
    }

    public async Task<EnqueueResult> EnqueueAsync(AsyncInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            await _ready.Task.WaitAsync(wait.Token);
            var call = QueuedCall.From(invocation);
            var payload = call.ToUtf8Json();
            var ack = await _js!.PublishAsync(SubjectOf(call.Namespace, call.Name), payload, cancellationToken: wait.Token);
            ack.EnsureSuccess();
            return new EnqueueResult(EnqueueStatus.Accepted);
        }
        catch (NatsJSApiException ex) when (ex.Error.ErrCode == MaximumMessagesExceeded)
        {
            return new EnqueueResult(EnqueueStatus.Full, $"the async queue (JetStream stream {_options.StreamName}) holds its maximum of {_options.MaxQueued} calls");
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Log.PublishFailed(logger, ex.Message);
            return new EnqueueResult(EnqueueStatus.Unavailable, "the async queue (NATS JetStream) is not reachable");
        }
    }

    /// <summary>Messages in the stream per function (held by any daemon, waiting or running), and this daemon's running calls.</summary>
    public async Task<IReadOnlyList<QueueDepth>> DepthAsync(CancellationToken cancellationToken)
    {
        var local = dispatcher.Depth().ToDictionary(d => (d.Namespace, d.Name));
        var depths = new List<QueueDepth>();
        if (_ready.Task.IsCompletedSuccessfully)
        {
            var stream = await _js!.GetStreamAsync(_options.StreamName, new StreamInfoRequest { SubjectsFilter = _options.SubjectPrefix + ".>" }, cancellationToken);
            foreach (var (subject, count) in stream.Info.State.Subjects ?? new Dictionary<string, long>())
            {
                if (ParseSubject(subject) is not { } key)
                {
                    continue;
                }

                var running = local.Remove(key, out var mine) ? mine.Running : 0;
                depths.Add(new QueueDepth(key.Namespace, key.Name, Math.Max(0, count - running), running));
            }
        }

        depths.AddRange(local.Values);
        return depths;
    }

    private string SubjectOf(string @namespace, string name) => $"{_options.SubjectPrefix}.{@namespace}.{name}";

    private (string Namespace, string Name)? ParseSubject(string subject)
    {
        var prefix = _options.SubjectPrefix + ".";
        if (!subject.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = subject[prefix.Length..].Split('.');
        return parts.Length == 2 ? (parts[0], parts[1]) : null;
    }

    /// <summary>Connects, makes sure stream and consumer exist, and feeds messages to the dispatcher; reconnects on failure.</summary>
    private async Task ConsumeLoopAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(500);
        while (!cancellationToken.IsCancellationRequested)
        {
            // A slot is taken before each message is fetched and handed to the message's delivery by Accept; only a
            // slot still held here when the loop fails is given back (the first connect fails before any is taken).
            var holdingSlot = false;
            try
            {
                var consumer = await PrepareAsync(cancellationToken);
                _ready.TrySetResult();
                backoff = TimeSpan.FromMilliseconds(500);
                await _slots.WaitAsync(cancellationToken);
                holdingSlot = true;
                await foreach (var message in consumer.ConsumeAsync<byte[]>(opts: new NatsJSConsumeOpts { MaxMsgs = 64 }, cancellationToken: cancellationToken))
                {
                    holdingSlot = false;
                    Accept(message);
                    await _slots.WaitAsync(cancellationToken);
                    holdingSlot = true;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NatsException or TimeoutException or OperationCanceledException)
            {
                // OperationCanceledException here is an attempt that overran ConnectAttemptTimeout (stopping returned above).
                Log.ConsumeFailed(logger, _options.Backend, ex is OperationCanceledException ? $"no answer within {_options.ConnectAttemptTimeout.TotalSeconds:0} s" : ex.Message);
                await RenewConnectionAsync();
            }
            finally
            {
                if (holdingSlot)
                {
                    _slots.Release();
                }
            }

            try
            {
                await Task.Delay(backoff, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 10_000));
        }
    }

    private void Connect()
    {
        _connection = new NatsConnection(new NatsOpts { Url = _options.Backend, Name = "faasd", MaxReconnectRetry = -1 });
        _js = _connection.CreateJetStreamContext();
    }

    /// <summary>
    /// Until the first connect succeeds, each attempt gets a fresh connection: NATS.Net's ConnectAsync on a connection
    /// whose first connect failed (the server was not up yet, e.g. a compose service still starting) never
    /// completes, so the queue stayed unreachable for good. After that, the client's own reconnect takes over.
    /// </summary>
    private async Task RenewConnectionAsync()
    {
        if (_ready.Task.IsCompleted || _connection is null)
        {
            return;
        }

        var failed = _connection;
        Connect();
        try
        {
            await failed.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is NatsException or TimeoutException or ObjectDisposedException)
        {
            // It never connected; nothing of it needs a clean goodbye.
        }
    }

    private async Task<INatsJSConsumer> PrepareAsync(CancellationToken cancellationToken)
    {
        // One attempt may not hang: a connect or an API request that never answers becomes a retry.
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(_options.ConnectAttemptTimeout);
        await _connection!.ConnectAsync().AsTask().WaitAsync(attempt.Token);
        var stream = new StreamConfig(_options.StreamName, [_options.SubjectPrefix + ".>"])
        {
            Retention = StreamConfigRetention.Workqueue,
            Storage = StreamConfigStorage.File,
            MaxMsgs = _options.MaxQueued,
            Discard = StreamConfigDiscard.New,
        };
        await _js!.CreateOrUpdateStreamAsync(stream, attempt.Token);
        var consumer = await _js.CreateOrUpdateConsumerAsync(
            _options.StreamName,
            new ConsumerConfig(_options.ConsumerName)
            {
                AckPolicy = ConsumerConfigAckPolicy.Explicit,
                AckWait = _options.AckWait,
                MaxDeliver = -1,
                MaxAckPending = 10_000,
            },
            attempt.Token);
        Log.Connected(logger, _options.Backend, _options.StreamName, _options.ConsumerName);
        return consumer;
    }

    private void Accept(INatsJSMsg<byte[]> message)
    {
        if (QueuedCall.TryParse(message.Data) is not { } call)
        {
            Log.Unreadable(logger, message.Subject);
            _ = message.AckTerminateAsync().AsTask();
            _slots.Release();
            return;
        }

        var delivered = (int)Math.Min(int.MaxValue, message.Metadata?.NumDelivered ?? 1);
        var delivery = new Delivery(this, message, call, Math.Max(0, delivered - 1));
        _held[delivery] = true;
        dispatcher.Submit(delivery);
    }

    /// <summary>Tells the server every held message is still being worked on, well within AckWait.</summary>
    private async Task HeartbeatLoopAsync(CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromMilliseconds(Math.Max(200, _options.AckWait.TotalMilliseconds / 3));
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                foreach (var delivery in _held.Keys)
                {
                    try
                    {
                        await delivery.Message.AckProgressAsync(cancellationToken: cancellationToken);
                    }
                    catch (NatsException ex)
                    {
                        Log.HeartbeatFailed(logger, delivery.Call.CallId, ex.Message);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Release(Delivery delivery)
    {
        if (_held.TryRemove(delivery, out _))
        {
            _slots.Release();
        }
    }

    private sealed class Delivery(JetStreamQueue queue, INatsJSMsg<byte[]> message, QueuedCall call, int attemptsMade) : ICallDelivery
    {
        public INatsJSMsg<byte[]> Message => message;

        public QueuedCall Call => call;

        public int AttemptsMade => attemptsMade;

        /// <summary>Double ack: the server confirms, so a lost ack cannot make another daemon run the call again unnoticed.</summary>
        public Task CompleteAsync(CancellationToken cancellationToken) =>
            SettleAsync(() => message.AckAsync(new AckOpts { DoubleAck = true }, CancellationToken.None), "ack");

        public Task RetryLaterAsync(int attemptsMade, TimeSpan delay, CancellationToken cancellationToken) =>
            SettleAsync(() => message.NakAsync(delay: delay, cancellationToken: CancellationToken.None), "nak");

        public async Task AbandonAsync(CancellationToken cancellationToken)
        {
            try
            {
                await message.NakAsync(cancellationToken: cancellationToken);
            }
            catch (NatsException)
            {
                // Not acknowledged either way: the server redelivers it after AckWait.
            }
            finally
            {
                queue.Release(this);
            }
        }

        /// <summary>
        /// Acks or naks the message (not cancellable: the call has run); a failure reaches the dispatcher as an
        /// IOException. The slot is free either way.
        /// </summary>
        private async Task SettleAsync(Func<ValueTask> settle, string what)
        {
            try
            {
                await settle();
            }
            catch (NatsException ex)
            {
                throw new IOException($"JetStream {what} failed: {ex.Message}", ex);
            }
            finally
            {
                queue.Release(this);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.JetStreamConnected, Level = LogLevel.Information, Message = "Async queue: NATS JetStream at {Url}, stream {Stream}, consumer {Consumer}")] public static partial void Connected(ILogger logger, string url, string stream, string consumer);

        [LoggerMessage(EventId = LogEvents.JetStreamConsumeFailed, Level = LogLevel.Warning, Message = "Async queue: NATS JetStream at {Url} failed ({Reason}); connecting again")] public static partial void ConsumeFailed(ILogger logger, string url, string reason);

        [LoggerMessage(EventId = LogEvents.JetStreamPublishFailed, Level = LogLevel.Warning, Message = "Async queue: a call could not be published to JetStream: {Reason}")] public static partial void PublishFailed(ILogger logger, string reason);

        [LoggerMessage(EventId = LogEvents.JetStreamMessageUnreadable, Level = LogLevel.Error, Message = "Async queue: message on {Subject} is not a readable call; terminated")] public static partial void Unreadable(ILogger logger, string subject);

        [LoggerMessage(EventId = LogEvents.JetStreamHeartbeatFailed, Level = LogLevel.Warning, Message = "Async queue: progress heartbeat of {CallId} failed: {Reason}")] public static partial void HeartbeatFailed(ILogger logger, string callId, string reason);
    }
}
