namespace FaasD.Gateway.Invoke;

/// <summary>
/// <c>POST /async-function/{name}[.{namespace}][/path][?query]</c> (no auth, like <c>/function/</c>): checks the call,
/// hands it to <see cref="IAsyncInvocationQueue"/> and answers 202 with an empty body, <c>X-Call-Id</c> (the
/// client's, or a new one), <c>X-Start-Time</c> and <c>X-Served-By</c>, once the queue holds it durably. 400 bad <c>X-Callback-Url</c>,
/// 404 unknown function, 413 body over the limit, 429 queue full, 503 queue unavailable.
/// Also <c>GET /system/queue</c> (auth): calls waiting and running per function.
/// </summary>
internal sealed partial class AsyncFunctionEndpoint(
    IFunctionPlatform platform,
    IAsyncInvocationQueue queue,
    TimeProvider time,
    IOptions<GatewayOptions> options,
    ILogger<AsyncFunctionEndpoint> logger)
{
    private const string CallbackHeader = "X-Callback-Url";

    private readonly string _defaultNamespace = options.Value.DefaultNamespace;
    private readonly long _maxBody = options.Value.MaxAsyncRequestBodySize;
    private readonly string _servedBy = "faasd/" + options.Value.Version;

    /// <param name="endpoints">Where <c>/async-function/</c> goes (no auth).</param>
    /// <param name="system">The authenticated <c>/system</c> route group.</param>
    public void Map(IEndpointRouteBuilder endpoints, IEndpointRouteBuilder system)
    {
        RequestDelegate accept = AcceptAsync;
        RequestDelegate depth = DepthAsync;
        endpoints.MapPost("/async-function/{name}", accept);
        endpoints.MapPost("/async-function/{name}/{**path}", accept);
        system.MapGet("/queue", depth);
    }

    internal async Task AcceptAsync(HttpContext context)
    {
        var request = context.Request;
        if (!InvokeTarget.TryParse(InvokeTarget.RawPath(context), InvokeTarget.AsyncPrefix, _defaultNamespace, out var target))
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound, $"error finding function {request.Path.Value}: invalid function name");
            return;
        }

        var upstreamPath = InvokeTarget.UpstreamPath(InvokeTarget.RawPath(context), InvokeTarget.AsyncPrefix).ToString();

        Uri? callback = null;
        if (request.Headers.TryGetValue(CallbackHeader, out var callbackValue) && !StringValues.IsNullOrEmpty(callbackValue))
        {
            if (!Uri.TryCreate(callbackValue.ToString(), UriKind.Absolute, out callback) || callback.Scheme is not ("http" or "https") || string.IsNullOrEmpty(callback.Host))
            {
                await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, $"invalid {CallbackHeader}: \"{callbackValue}\" is not an absolute http(s) URL");
                return;
            }
        }

        if (request.ContentLength > _maxBody)
        {
            await WriteTooLargeAsync(context);
            return;
        }

        var cancellation = context.RequestAborted;
        FunctionInfo? function;
        try
        {
            function = await platform.GetAsync(target.Namespace, target.Name, cancellation);
        }
        catch (FunctionPlatformException ex) when (ex.Kind is FunctionErrorKind.NotFound or FunctionErrorKind.Invalid)
        {
            function = null;
        }

        if (function is null)
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound, $"error finding function {target.Name}.{target.Namespace}: not found");
            return;
        }

        var body = await ReadBodyAsync(request, cancellation);
        if (body is null)
        {
            await WriteTooLargeAsync(context);
            return;
        }

        var accepted = time.GetUtcNow();
        var callId = StringValues.IsNullOrEmpty(request.Headers[InvokeTransformer.CallId]) ? CallIds.New() : request.Headers[InvokeTransformer.CallId].ToString();
        var startTime = ((accepted.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100).ToString(CultureInfo.InvariantCulture);
        var invocation = new AsyncInvocation
        {
            CallId = callId,
            CallbackUrl = callback,
            AcceptedAt = accepted,
            Request = new InvocationRequest
            {
                Namespace = target.Namespace,
                Name = target.Name,
                Method = request.Method,
                Path = upstreamPath,
                Query = request.QueryString.HasValue ? request.QueryString.Value![1..] : "",
                Headers = CopyHeaders(request.Headers, callId, startTime),
                Body = body,
            },
        };

        var result = await queue.EnqueueAsync(invocation, cancellation);
        switch (result.Status)
        {
            case EnqueueStatus.Accepted:
                context.Response.StatusCode = StatusCodes.Status202Accepted;
                context.Response.Headers[InvokeTransformer.CallId] = callId;
                context.Response.Headers[InvokeTransformer.StartTime] = startTime;
                context.Response.Headers[InvokeTransformer.ServedBy] = _servedBy;
                return;
            case EnqueueStatus.Full:
                Log.Refused(logger, target.Name, target.Namespace, result.Reason ?? "queue full");
                await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status429TooManyRequests, result.Reason ?? "the async queue is full");
                return;
            default:
                Log.Refused(logger, target.Name, target.Namespace, result.Reason ?? "queue unavailable");
                await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, result.Reason ?? "the async queue is unavailable");
                return;
        }
    }

    internal async Task DepthAsync(HttpContext context)
    {
        var depths = await queue.DepthAsync(context.RequestAborted);
        context.Response.ContentType = GatewayResponses.Json;
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartArray();
        foreach (var depth in depths.OrderBy(d => d.Namespace, StringComparer.Ordinal).ThenBy(d => d.Name, StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("name", depth.Name);
            json.WriteString("namespace", depth.Namespace);
            json.WriteNumber("queued", depth.Queued);
            json.WriteNumber("running", depth.Running);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        await json.FlushAsync(context.RequestAborted);
    }

    /// <summary>Every header as sent (repeats kept), with the call id and start time the function and callback will see.</summary>
    private static List<KeyValuePair<string, string>> CopyHeaders(IHeaderDictionary headers, string callId, string startTime)
    {
        var copy = new List<KeyValuePair<string, string>>(headers.Count + 2);
        foreach (var (name, values) in headers)
        {
            if (name.Equals(InvokeTransformer.CallId, StringComparison.OrdinalIgnoreCase) || name.Equals(InvokeTransformer.StartTime, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var value in values)
            {
                copy.Add(new(name, value ?? ""));
            }
        }

        copy.Add(new(InvokeTransformer.CallId, callId));
        copy.Add(new(InvokeTransformer.StartTime, startTime));
        return copy;
    }

    /// <summary>The body, or null when it is longer than the limit (a chunked body has no Content-Length to check first).</summary>
    private async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : 4096);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > _maxBody)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private Task WriteTooLargeAsync(HttpContext context) =>
        GatewayResponses.WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, $"request body too large: the limit for async calls is {_maxBody} bytes");

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.AsyncCallRefused, Level = LogLevel.Warning, Message = "Async call to {Name}.{Namespace} refused: {Reason}")] public static partial void Refused(ILogger logger, string name, string @namespace, string reason);
    }
}
