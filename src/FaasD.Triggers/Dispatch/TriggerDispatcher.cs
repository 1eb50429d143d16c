namespace FaasD.Triggers.Dispatch;

/// <summary>
/// Starts a triggered call: synchronously through <see cref="IFunctionInvoker"/> (the gateway's hot path, which
/// wakes frozen functions), or through the async queue when the function asks for it. The queue is optional: a
/// daemon without one runs such calls synchronously and says so once per function.
/// </summary>
internal sealed partial class TriggerDispatcher
{
    private readonly IFunctionInvoker _invoker;
    private readonly IAsyncInvocationQueue? _queue;
    private readonly TimeProvider _time;
    private readonly ILogger<TriggerDispatcher> _logger;
    private readonly HashSet<TriggerKey> _warnedNoQueue = [];

    public TriggerDispatcher(IServiceProvider services, IFunctionInvoker invoker, TimeProvider time, ILogger<TriggerDispatcher> logger)
    {
        _invoker = invoker;
        _queue = services.GetService<IAsyncInvocationQueue>();
        _time = time;
        _logger = logger;
    }

    /// <summary>The function's status code (202 for a queued call) and, when the gateway or queue refused, why.</summary>
    public async Task<TriggerOutcome> DispatchAsync(InvocationRequest request, bool asynchronous, CancellationToken cancellationToken)
    {
        if (asynchronous && _queue is not null)
        {
            var result = await _queue.EnqueueAsync(
                new AsyncInvocation { CallId = Guid.NewGuid().ToString(), Request = request, AcceptedAt = _time.GetUtcNow() },
                cancellationToken);
            return result.Status switch
            {
                EnqueueStatus.Accepted => new TriggerOutcome(202, null),
                EnqueueStatus.Full => new TriggerOutcome(429, result.Reason ?? "async queue full"),
                _ => new TriggerOutcome(503, result.Reason ?? "async queue unavailable"),
            };
        }

        if (asynchronous)
        {
            WarnNoQueue(new TriggerKey(request.Namespace, request.Name));
        }

        var response = await _invoker.InvokeAsync(request, cancellationToken);
        return new TriggerOutcome(response.StatusCode, response.Reason);
    }

    private void WarnNoQueue(TriggerKey key)
    {
        lock (_warnedNoQueue)
        {
            if (!_warnedNoQueue.Add(key))
            {
                return;
            }
        }

        Log.NoQueue(_logger, key.ToString());
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.TriggerNoQueue, Level = LogLevel.Warning, Message = "{Function} asks for asynchronous trigger calls but this daemon has no async queue; calling it synchronously")] public static partial void NoQueue(ILogger logger, string function);
    }
}

internal readonly record struct TriggerOutcome(int StatusCode, string? Reason)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;
}
