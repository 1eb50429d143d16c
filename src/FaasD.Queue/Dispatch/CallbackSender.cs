using System.Collections.Frozen;

namespace FaasD.Queue.Dispatch;

/// <summary>
/// POSTs a finished call's result to its <c>X-Callback-Url</c>: the function's body and headers plus the headers
/// of OpenFaaS Pro (<c>X-Call-Id</c>, <c>X-Function-Status</c>, <c>X-Function-Name</c>, <c>X-Duration-Seconds</c>,
/// <c>X-Retry</c>, <c>X-Retry-Max</c>). A callback that fails to connect or answers 5xx/429 is tried again a few
/// times with a doubling wait; then it is logged and given up (the call itself is done).
/// </summary>
internal sealed partial class CallbackSender : IDisposable
{
    private const string CallIdHeader = "X-Call-Id";
    private const string StatusHeader = "X-Function-Status";
    private const string NameHeader = "X-Function-Name";
    private const string DurationHeader = "X-Duration-Seconds";
    private const string RetryHeader = "X-Retry";
    private const string RetryMaxHeader = "X-Retry-Max";

    /// <summary>
    /// Function headers a callback does not pass on: ours (set by Build, so a function cannot forge them) and the
    /// hop-by-hop framing of its own answer, which HttpClient writes anew for the callback.
    /// </summary>
    private static readonly FrozenSet<string> s_notForwarded = FrozenSet.Create<string>(
        StringComparer.OrdinalIgnoreCase,
        [CallIdHeader, StatusHeader, NameHeader, DurationHeader, RetryHeader, RetryMaxHeader, .. MessageFramingHeaders.Names, "Date", "Server"]);

    private readonly HttpMessageInvoker _client;
    private readonly int _attempts;
    private readonly string _defaultNamespace;
    private readonly TimeProvider _time;
    private readonly ILogger<CallbackSender> _logger;

    public CallbackSender(IOptions<AsyncQueueOptions> options, TimeProvider time, ILogger<CallbackSender> logger)
    {
        _client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
        });
        _attempts = Math.Max(1, options.Value.CallbackAttempts);
        _defaultNamespace = options.Value.DefaultNamespace;
        _time = time;
        _logger = logger;
    }

    /// <summary>How long one callback POST may take.</summary>
    internal TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    internal TimeSpan FirstRetryWait { get; init; } = TimeSpan.FromSeconds(1);

    public async Task SendAsync(QueuedCall call, InvocationResponse response, int attempts, int maxAttempts, TimeSpan duration, CancellationToken cancellationToken)
    {
        var wait = FirstRetryWait;
        for (var attempt = 1; attempt <= _attempts; attempt++)
        {
            using var request = Build(call, response, attempts, maxAttempts, duration);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            string failure;
            try
            {
                using var answer = await _client.SendAsync(request, timeout.Token);
                var status = (int)answer.StatusCode;
                if (status < 500 && status != 429)
                {
                    Log.Delivered(_logger, call.CallId, call.CallbackUrl!, status);
                    FaasDMetrics.RecordAsyncCallback(call.Namespace, call.Name, "delivered");
                    return;
                }

                failure = $"answered {status}";
            }
            catch (HttpRequestException ex)
            {
                failure = ex.Message;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failure = $"no answer within {Timeout.TotalSeconds:0} s";
            }

            if (attempt == _attempts)
            {
                Log.GaveUp(_logger, call.CallId, call.CallbackUrl!, attempt, failure);
                FaasDMetrics.RecordAsyncCallback(call.Namespace, call.Name, "failed");
                return;
            }

            Log.Retrying(_logger, call.CallId, call.CallbackUrl!, failure);
            await Task.Delay(wait, _time, cancellationToken);
            wait *= 2;
        }
    }

    public void Dispose() => _client.Dispose();

    internal HttpRequestMessage Build(QueuedCall call, InvocationResponse response, int attempts, int maxAttempts, TimeSpan duration)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, call.CallbackUrl)
        {
            Content = new ReadOnlyMemoryContent(response.Body),
        };
        foreach (var (name, value) in response.Headers)
        {
            if (s_notForwarded.Contains(name))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        var headers = request.Headers;
        headers.TryAddWithoutValidation(CallIdHeader, call.CallId);
        headers.TryAddWithoutValidation(StatusHeader, response.StatusCode.ToString(CultureInfo.InvariantCulture));
        headers.TryAddWithoutValidation(NameHeader, call.Namespace == _defaultNamespace ? call.Name : call.Name + "." + call.Namespace);
        headers.TryAddWithoutValidation(DurationHeader, duration.TotalSeconds.ToString("F6", CultureInfo.InvariantCulture));
        // Retries made (0 when the first attempt was final) and the attempts the function's policy allows.
        headers.TryAddWithoutValidation(RetryHeader, (attempts - 1).ToString(CultureInfo.InvariantCulture));
        headers.TryAddWithoutValidation(RetryMaxHeader, maxAttempts.ToString(CultureInfo.InvariantCulture));
        return request;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.CallbackDelivered, Level = LogLevel.Debug, Message = "Callback of {CallId} to {Url} answered {Status}")] public static partial void Delivered(ILogger logger, string callId, string url, int status);

        [LoggerMessage(EventId = LogEvents.CallbackRetrying, Level = LogLevel.Warning, Message = "Callback of {CallId} to {Url} failed ({Reason}); trying again")] public static partial void Retrying(ILogger logger, string callId, string url, string reason);

        [LoggerMessage(EventId = LogEvents.CallbackGaveUp, Level = LogLevel.Error, Message = "Callback of {CallId} to {Url} given up after {Attempts} attempts: {Reason}")] public static partial void GaveUp(ILogger logger, string callId, string url, int attempts, string reason);
    }
}
