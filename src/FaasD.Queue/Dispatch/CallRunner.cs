using System.Diagnostics;

namespace FaasD.Queue.Dispatch;

/// <summary>
/// One attempt of one call: invoke through the in-process path (which wakes a frozen function and counts the
/// load), then either schedule a retry or send the callback and complete the call. The callback goes out before
/// the call is acknowledged, so a crash in between repeats the call rather than losing its result.
/// </summary>
internal sealed partial class CallRunner(
    IFunctionInvoker invoker,
    FunctionQueueSettingsSource settings,
    CallbackSender callbacks,
    TimeProvider time,
    ILogger<CallRunner> logger)
{
    /// <summary>What the OpenFaaS queue worker sends; functions and their logs may tell queued calls apart by it.</summary>
    public const string UserAgent = "openfaas-ce/nats-queue-worker";

    public async Task RunAsync(ICallDelivery delivery, CancellationToken cancellationToken)
    {
        var call = delivery.Call;
        var attempt = delivery.AttemptsMade + 1;
        try
        {
            var limits = await settings.GetAsync(call.Namespace, call.Name, cancellationToken);
            var started = Stopwatch.GetTimestamp();
            var response = await invoker.InvokeAsync(ToRequest(call), cancellationToken);
            var duration = Stopwatch.GetElapsedTime(started);
            if (limits.Retry.ShouldRetry(response.StatusCode, attempt))
            {
                var delay = limits.Retry.Backoff(attempt, response.Header("Retry-After"), time.GetUtcNow());
                Log.Retrying(logger, call.CallId, call.Name, call.Namespace, response.StatusCode, attempt, limits.Retry.Attempts, delay.TotalSeconds);
                await delivery.RetryLaterAsync(attempt, delay, cancellationToken);
                FaasDMetrics.RecordAsyncRetry(call.Namespace, call.Name);
                return;
            }

            Log.Finished(logger, call.CallId, call.Name, call.Namespace, response.StatusCode, attempt, duration.TotalMilliseconds);
            if (call.CallbackUrl is not null)
            {
                await callbacks.SendAsync(call, response, attempt, limits.Retry.Attempts, duration, cancellationToken);
            }

            await delivery.CompleteAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The daemon is stopping: the call was not finished, so it stays queued for the next start.
            await delivery.AbandonAsync(CancellationToken.None);
        }
        catch (IOException ex)
        {
            // The ack or retry record could not be written: the call stays pending and runs again after a restart.
            Log.BackendFailed(logger, call.CallId, ex.Message);
        }
    }

    internal static InvocationRequest ToRequest(QueuedCall call)
    {
        var headers = new List<KeyValuePair<string, string>>(call.Headers.Count + 1);
        foreach (var pair in call.Headers)
        {
            if (pair.Length == 2 && !pair[0].Equals("User-Agent", StringComparison.OrdinalIgnoreCase))
            {
                headers.Add(new(pair[0], pair[1]));
            }
        }

        headers.Add(new("User-Agent", UserAgent));
        return new InvocationRequest
        {
            Namespace = call.Namespace,
            Name = call.Name,
            Method = "POST",
            Path = call.Path,
            Query = call.Query,
            Headers = headers,
            Body = call.Body,
        };
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.AsyncCallFinished, Level = LogLevel.Debug, Message = "Async call {CallId} to {Name}.{Namespace} finished with {Status} after {Attempts} attempt(s) in {Milliseconds:0} ms")] public static partial void Finished(ILogger logger, string callId, string name, string @namespace, int status, int attempts, double milliseconds);

        [LoggerMessage(EventId = LogEvents.AsyncCallRetrying, Level = LogLevel.Information, Message = "Async call {CallId} to {Name}.{Namespace} answered {Status} (attempt {Attempt} of {MaxAttempts}); retrying in {Seconds:0.###} s")] public static partial void Retrying(ILogger logger, string callId, string name, string @namespace, int status, int attempt, int maxAttempts, double seconds);

        [LoggerMessage(EventId = LogEvents.AsyncCallBackendFailed, Level = LogLevel.Error, Message = "Async call {CallId}: the queue could not record its outcome ({Reason}); it will run again after a restart")] public static partial void BackendFailed(ILogger logger, string callId, string reason);
    }
}
