using System.Net.Sockets;
using Microsoft.AspNetCore.Connections.Features;

namespace FaasD.Gateway.Invoke;

/// <summary>
/// The hot path: <c>/function/{name}[.{namespace}]/{path}</c>, any method, no auth.
/// <code>
///   client ──► parse name.ns ──► platform.AcquireEndpointAsync ──► (not ready) 404 / 503 / 504
///                                      │ ready: destination prefix + lease
///                                      ▼
///              call headers (X-Call-Id, X-Start-Time, X-Forwarded-*) ──► IHttpForwarder over the shared client
///                                      │ ForwarderError (result, not exception) ──► 500 "Can't reach service"
///                                      ▼
///              counters (lock-free) ◄── response streamed back; lease disposed when the request ends
/// </code>
/// Nothing here takes a lock; per warm request the extra allocations are the destination URI (which YARP would build
/// anyway), the X-Start-Time value, and the call id when the caller sent none. Names come from <see cref="FunctionNames"/>
/// and X-Forwarded-For is formatted once per connection.
/// </summary>
internal sealed partial class FunctionProxy(
    IFunctionPlatform platform,
    IHttpForwarder forwarder,
    FunctionHttpClient httpClient,
    InvocationMetrics metrics,
    TimeProvider time,
    IOptions<GatewayOptions> options,
    ILogger<FunctionProxy> logger)
{
    internal const string InternalHeader = "X-OpenFaaS-Internal";
    private const string ForwardedHost = "X-Forwarded-Host";
    private const string ForwardedFor = "X-Forwarded-For";
    private static readonly object ClientAddressKey = new();

    /// <summary>A request is tried on at most this many replicas when connections are refused.</summary>
    internal const int MaxAttempts = 3;

    private readonly string _defaultNamespace = options.Value.DefaultNamespace;
    private readonly long? _maxFunctionBody = options.Value.MaxFunctionRequestBodySize;
    private readonly string _userAgent = "faasd-gateway/" + options.Value.Version;
    private readonly InvokeTransformer _transformer = new("faasd/" + options.Value.Version);

    public void Map(IEndpointRouteBuilder endpoints)
    {
        RequestDelegate invoke = InvokeAsync;
        endpoints.Map("/function/{name}", invoke);
        endpoints.Map("/function/{name}/{**path}", invoke);
    }

    internal async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!InvokeTarget.TryParse(InvokeTarget.RawPath(context), _defaultNamespace, out var target))
        {
            await GatewayResponses.WriteErrorAsync(
                context, StatusCodes.Status404NotFound, $"error finding function {request.Path.Value}: invalid function name");
            return;
        }

        var cancellation = context.RequestAborted;
        InvocationMetrics.FunctionCounters? counters = null;
        long started = 0;
        for (var attempt = 1; ; attempt++)
        {
            EndpointLease lease;
            try
            {
                lease = await platform.AcquireEndpointAsync(target.Namespace, target.Name, cancellation);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                return;
            }
            catch (FunctionPlatformException ex)
            {
                // The hot path reports through the lease; a throw is a platform bug, still answered in the same shape.
                await PlatformErrors.WriteAsync(context, ex);
                return;
            }

            using (lease)
            {
                if (lease.Status == EndpointStatus.NotFound)
                {
                    // Not counted, like calls rejected by the upstream gateway's scale-from-zero check.
                    await GatewayResponses.WriteErrorAsync(
                        context,
                        StatusCodes.Status404NotFound,
                        $"error finding function {target.Name}.{target.Namespace}: {lease.Reason ?? "not found"}");
                    return;
                }

                if (counters is null)
                {
                    counters = metrics.For(target.Namespace, target.Name);
                    started = counters.OnStarted();
                }

                if (lease.Status != EndpointStatus.Ready || lease.DestinationPrefix is null)
                {
                    await WriteNotReadyAsync(context, target, lease);
                }
                else if (await ForwardAsync(context, target, lease.DestinationPrefix, canRetry: attempt < MaxAttempts))
                {
                    // Refused before any byte was sent: that replica leaves the rotation and another one gets the request.
                    lease.ReportUnreachable();
                    Log.Retrying(logger, target.Name, target.Namespace, lease.DestinationPrefix, attempt);
                    continue;
                }

                counters.OnCompleted(context.Response.StatusCode, started);
                return;
            }
        }
    }

    /// <summary>Forwards once; true when the connection was refused before anything was sent and the caller may retry elsewhere.</summary>
    private async Task<bool> ForwardAsync(HttpContext context, InvokeTarget target, string destinationPrefix, bool canRetry)
    {
        var request = context.Request;
        var headers = request.Headers;
        var startTime = UnixNanoseconds(time.GetUtcNow()).ToString(CultureInfo.InvariantCulture);
        headers[InvokeTransformer.StartTime] = startTime;
        if (StringValues.IsNullOrEmpty(headers[InvokeTransformer.CallId]))
        {
            var callId = CallIds.New();
            headers[InvokeTransformer.CallId] = callId;
            // Marks the id as ours: the transformer echoes it on the response only in that case.
            context.Response.Headers[InvokeTransformer.CallId] = callId;
        }

        if (!headers.ContainsKey(ForwardedHost))
        {
            headers[ForwardedHost] = request.Host.Value;
        }

        if (!headers.ContainsKey(ForwardedFor) && ClientAddress(context) is { } client)
        {
            headers[ForwardedFor] = client;
        }

        if (StringValues.IsNullOrEmpty(headers.UserAgent))
        {
            headers.UserAgent = _userAgent;
        }

        var sizeLimit = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeLimit is { IsReadOnly: false })
        {
            // Function bodies are streamed, not held: Kestrel's global cap (30 MB by default) does not apply.
            sizeLimit.MaxRequestBodySize = _maxFunctionBody;
        }

        var error = await forwarder.SendAsync(
            context, destinationPrefix, httpClient.Invoker, httpClient.RequestConfig, _transformer, context.RequestAborted);
        if (error == ForwarderError.None)
        {
            return false;
        }

        if (canRetry && error == ForwarderError.Request && !context.Response.HasStarted
            && context.Features.Get<IForwarderErrorFeature>()?.Exception is { } failure && ConnectionFailures.NothingWasSent(failure))
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Features.Set<IForwarderErrorFeature>(null);
            return true;
        }

        await HandleErrorAsync(context, target, error);
        return false;
    }

    private async Task HandleErrorAsync(HttpContext context, InvokeTarget target, ForwarderError error)
    {
        var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
        var response = context.Response;
        switch (error)
        {
            case ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled:
                // The caller went away; there is nobody to answer.
                Log.Canceled(logger, target.Name, target.Namespace, error);
                return;
            case ForwarderError.RequestBodyClient or ForwarderError.ResponseBodyClient:
                // The caller's side failed; YARP already chose the status (400) if it still could.
                Log.ClientFailed(logger, target.Name, target.Namespace, error, exception);
                return;
        }

        Log.UpstreamFailed(logger, target.Name, target.Namespace, error, exception);
        if (response.HasStarted)
        {
            // The body was already streaming; YARP aborts the connection so the caller sees a truncated response.
            return;
        }

        response.Clear();
        await WriteProxyErrorAsync(context, StatusCodes.Status500InternalServerError, $"Can't reach service for: {target.Name}.");
    }

    private Task WriteNotReadyAsync(HttpContext context, InvokeTarget target, EndpointLease lease)
    {
        Log.NotReady(logger, target.Name, target.Namespace, lease.Status, lease.Reason);
        return lease.Status == EndpointStatus.Timeout
            ? WriteProxyErrorAsync(
                context,
                StatusCodes.Status504GatewayTimeout,
                lease.Reason ?? $"Timed out waiting for function {target.Name}.{target.Namespace} to become ready.")
            : WriteProxyErrorAsync(context, StatusCodes.Status503ServiceUnavailable, $"No endpoints available for: {target.Name}.");
    }

    /// <summary>faas-provider's proxy errors: status, <c>X-OpenFaaS-Internal: proxy</c>, the text without newline.</summary>
    private static Task WriteProxyErrorAsync(HttpContext context, int statusCode, string message)
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = GatewayResponses.PlainTextUtf8;
        response.Headers[InternalHeader] = "proxy";
        return response.WriteAsync(message, context.RequestAborted);
    }

    private static long UnixNanoseconds(DateTimeOffset now) => (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    /// <summary>
    /// The caller as Go prints <c>RemoteAddr</c>, formatted once per connection: keep-alive clients send many requests
    /// over one connection, and the text never changes on it.
    /// </summary>
    private static string? ClientAddress(HttpContext context)
    {
        var items = context.Features.Get<IConnectionItemsFeature>()?.Items;
        if (items is not null && items.TryGetValue(ClientAddressKey, out var cached))
        {
            return cached as string;
        }

        var formatted = FormatClientAddress(context.Connection);
        if (items is not null)
        {
            items[ClientAddressKey] = formatted;
        }

        return formatted;
    }

    /// <summary><c>ip:port</c>, IPv6 in brackets.</summary>
    private static string? FormatClientAddress(ConnectionInfo connection)
    {
        var address = connection.RemoteIpAddress;
        if (address is null)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var port = connection.RemotePort.ToString(CultureInfo.InvariantCulture);
        return address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.FunctionNotReady, Level = LogLevel.Information, Message = "Function {Name}.{Namespace} is not ready: {Status} {Reason}")] public static partial void NotReady(ILogger logger, string name, string @namespace, EndpointStatus status, string? reason);

        [LoggerMessage(EventId = LogEvents.UpstreamFailed, Level = LogLevel.Warning, Message = "Forwarding to function {Name}.{Namespace} failed: {Error}")] public static partial void UpstreamFailed(ILogger logger, string name, string @namespace, ForwarderError error, Exception? exception);

        [LoggerMessage(EventId = LogEvents.ClientFailed, Level = LogLevel.Debug, Message = "The caller of {Name}.{Namespace} failed: {Error}")] public static partial void ClientFailed(ILogger logger, string name, string @namespace, ForwarderError error, Exception? exception);

        [LoggerMessage(EventId = LogEvents.InvocationCanceled, Level = LogLevel.Debug, Message = "The caller of {Name}.{Namespace} went away: {Error}")] public static partial void Canceled(ILogger logger, string name, string @namespace, ForwarderError error);

        [LoggerMessage(EventId = LogEvents.ReplicaConnectionRefused, Level = LogLevel.Information, Message = "{Name}.{Namespace}: {Destination} refused the connection (attempt {Attempt}); trying another replica")] public static partial void Retrying(ILogger logger, string name, string @namespace, string destination, int attempt);
    }
}
