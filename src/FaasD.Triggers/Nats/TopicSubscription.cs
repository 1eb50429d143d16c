namespace FaasD.Triggers.Nats;

/// <summary>
/// One function's NATS subscriptions: per subject a queue-group subscription (group <c>faasd.&lt;ns&gt;.&lt;name&gt;</c>,
/// so several daemons or replicas share the messages while every function gets each once) whose messages are
/// handled at most <c>concurrency</c> at a time. A subscription that fails (NATS down at start) is retried;
/// after a reconnect the NATS client re-sends the subscriptions itself.
/// </summary>
internal sealed partial class TopicSubscription
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    private readonly TopicSubscriptionServices _services;
    private readonly CancellationTokenSource _stop;
    private readonly Task[] _loops;

    public TopicSubscription(
        TriggerKey function,
        TopicTrigger trigger,
        int concurrency,
        TopicSubscriptionServices services,
        CancellationToken stopping)
    {
        Function = function;
        Trigger = trigger;
        Concurrency = concurrency;
        _services = services;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _loops = trigger.Subjects.Select(subject => Task.Run(() => RunAsync(subject, _stop.Token), CancellationToken.None)).ToArray();
    }

    public TriggerKey Function { get; }

    public TopicTrigger Trigger { get; }

    public int Concurrency { get; }

    public string QueueGroup => $"faasd.{Function.Namespace}.{Function.Name}";

    /// <summary>Unsubscribes; messages being handled are cancelled.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
        _stop.Dispose();
    }

    private async Task RunAsync(string subject, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var subscription = await _services.Connection.SubscribeCoreAsync(
                    subject, QueueGroup, NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken);
                Log.Subscribed(_services.Logger, Function.ToString(), subject, QueueGroup);
                await Parallel.ForEachAsync(
                    subscription.Msgs.ReadAllAsync(cancellationToken),
                    new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
                    (message, token) => new ValueTask(HandleAsync(subject, message, token)));
                Log.SubscriptionEnded(_services.Logger, Function.ToString(), subject);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // NATS down or refusing (permissions), or a timeout inside the client: keep trying.
                Log.SubscribeFailed(_services.Logger, Function.ToString(), subject, ex.Message);
            }

            try
            {
                await Task.Delay(RetryDelay, _services.Time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        Log.Unsubscribed(_services.Logger, Function.ToString(), subject);
    }

    private async Task HandleAsync(string subscribed, NatsMsg<byte[]> message, CancellationToken cancellationToken)
    {
        var request = NatsMessages.ToRequest(Function, message.Subject, message.Headers, message.Data);
        try
        {
            if (message.ReplyTo is not null)
            {
                // Request-reply: the caller waits for the function's own answer, so this call is always synchronous.
                var response = await _services.Invoker.InvokeAsync(request, cancellationToken);
                try
                {
                    await message.ReplyAsync(response.Body.ToArray(), NatsMessages.ToReplyHeaders(response), serializer: NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken);
                }
                catch (NatsException ex) when (!response.Body.IsEmpty)
                {
                    // Most likely larger than the server's max_payload: the caller still learns the status and why.
                    var headers = NatsMessages.ToReplyHeaders(response);
                    headers[NatsMessages.ErrorHeader] = $"reply not sent: {ex.Message}";
                    await message.ReplyAsync(Array.Empty<byte>(), headers, serializer: NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken);
                }

                return;
            }

            var outcome = await _services.Dispatcher.DispatchAsync(request, Trigger.Asynchronous, cancellationToken);
            if (!outcome.Succeeded)
            {
                Log.CallFailed(_services.Logger, Function.ToString(), message.Subject, outcome.StatusCode, outcome.Reason ?? "the function answered with an error");
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (NatsException ex)
        {
            Log.ReplyFailed(_services.Logger, Function.ToString(), subscribed, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // One bad message (e.g. the async queue failing) must not end the subscription's loop.
            Log.CallFailed(_services.Logger, Function.ToString(), message.Subject, 500, ex.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.NatsSubscribed, Level = LogLevel.Information, Message = "NATS: {Function} subscribed to {Subject} in queue group {Group}")] public static partial void Subscribed(ILogger logger, string function, string subject, string group);

        [LoggerMessage(EventId = LogEvents.NatsUnsubscribed, Level = LogLevel.Information, Message = "NATS: {Function} unsubscribed from {Subject}")] public static partial void Unsubscribed(ILogger logger, string function, string subject);

        [LoggerMessage(EventId = LogEvents.NatsSubscribeFailed, Level = LogLevel.Warning, Message = "NATS: subscribing {Function} to {Subject} failed, retrying: {Reason}")] public static partial void SubscribeFailed(ILogger logger, string function, string subject, string reason);

        [LoggerMessage(EventId = LogEvents.NatsSubscriptionEnded, Level = LogLevel.Warning, Message = "NATS: subscription of {Function} to {Subject} ended; subscribing again")] public static partial void SubscriptionEnded(ILogger logger, string function, string subject);

        [LoggerMessage(EventId = LogEvents.NatsCallFailed, Level = LogLevel.Warning, Message = "NATS: message on {Subject} to {Function} answered {Status}: {Reason}")] public static partial void CallFailed(ILogger logger, string function, string subject, int status, string reason);

        [LoggerMessage(EventId = LogEvents.NatsReplyFailed, Level = LogLevel.Warning, Message = "NATS: reply of {Function} (subscribed to {Subject}) not sent: {Reason}")] public static partial void ReplyFailed(ILogger logger, string function, string subject, string reason);
    }
}
