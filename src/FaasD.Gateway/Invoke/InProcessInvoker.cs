using System.Diagnostics;
using System.Net.Http.Headers;

namespace FaasD.Gateway.Invoke;

/// <summary>
/// <see cref="IFunctionInvoker"/> over the gateway's own hot path: the platform resolves (and wakes) the function,
/// the shared <see cref="FunctionHttpClient"/> carries the call, the invocation counters count it. The response
/// body is read into memory up to <see cref="MaxResponseBytes"/>; a larger one is cut and reported as 502.
/// </summary>
internal sealed partial class InProcessInvoker(
    IFunctionPlatform platform,
    FunctionHttpClient httpClient,
    InvocationMetrics metrics,
    IOptions<GatewayOptions> options,
    ILogger<InProcessInvoker> logger) : IFunctionInvoker
{
    internal const int MaxResponseBytes = 16 * 1024 * 1024;

    private readonly TimeSpan _timeout = options.Value.UpstreamTimeout;

    public async Task<InvocationResponse> InvokeAsync(InvocationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        InvocationMetrics.FunctionCounters? counters = null;
        long started = 0;
        for (var attempt = 1; ; attempt++)
        {
            using var lease = await platform.AcquireEndpointAsync(request.Namespace, request.Name, cancellationToken);
            if (lease.Status == EndpointStatus.NotFound)
            {
                return Failed(404, $"error finding function {request.Name}.{request.Namespace}: {lease.Reason ?? "not found"}");
            }

            if (counters is null)
            {
                counters = metrics.For(request.Namespace, request.Name);
                started = counters.OnStarted();
            }

            var response = lease.Status == EndpointStatus.Ready && lease.DestinationPrefix is { } prefix
                ? await SendAsync(request, prefix, canRetry: attempt < FunctionProxy.MaxAttempts, cancellationToken)
                : Failed(lease.Status == EndpointStatus.Timeout ? 504 : 503, lease.Reason ?? $"No endpoints available for: {request.Name}.");
            if (response is null)
            {
                // Refused before any byte was sent: that replica leaves the rotation and another one gets the call.
                lease.ReportUnreachable();
                continue;
            }

            counters.OnCompleted(response.StatusCode, started);
            return response;
        }
    }

    /// <summary>One attempt; null when the connection was refused and <paramref name="canRetry"/> allows another replica.</summary>
    private async Task<InvocationResponse?> SendAsync(InvocationRequest request, string prefix, bool canRetry, CancellationToken cancellationToken)
    {
        var uri = string.IsNullOrEmpty(request.Query) ? prefix + request.Path : prefix + request.Path + "?" + request.Query;
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), uri)
        {
            Version = System.Net.HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ReadOnlyMemoryContent(request.Body),
        };
        foreach (var (name, value) in request.Headers)
        {
            if (IsHopByHop(name))
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var answer = await httpClient.Invoker.SendAsync(message, timeout.Token);
            var body = await ReadBoundedAsync(answer.Content, timeout.Token);
            if (body is null)
            {
                return Failed(502, $"response of {request.Name}.{request.Namespace} is larger than {MaxResponseBytes} bytes");
            }

            return new InvocationResponse
            {
                StatusCode = (int)answer.StatusCode,
                Headers = CopyHeaders(answer.Headers, answer.Content.Headers),
                Body = body,
                Duration = Stopwatch.GetElapsedTime(started),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogUpstreamFailed(logger, request.Name, request.Namespace, "timed out");
            return Failed(504, $"function {request.Name}.{request.Namespace} did not answer within {_timeout}", Stopwatch.GetElapsedTime(started));
        }
        catch (HttpRequestException ex) when (canRetry && ConnectionFailures.NothingWasSent(ex))
        {
            LogUpstreamFailed(logger, request.Name, request.Namespace, ex.Message);
            return null;
        }
        catch (HttpRequestException ex)
        {
            LogUpstreamFailed(logger, request.Name, request.Namespace, ex.Message);
            return Failed(502, $"Can't reach service for: {request.Name}.", Stopwatch.GetElapsedTime(started));
        }
    }

    private static async Task<byte[]?> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxResponseBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static List<KeyValuePair<string, string>> CopyHeaders(HttpResponseHeaders headers, HttpContentHeaders contentHeaders)
    {
        var copy = new List<KeyValuePair<string, string>>();
        foreach (var header in headers.NonValidated)
        {
            copy.Add(new(header.Key, header.Value.ToString()));
        }

        foreach (var header in contentHeaders.NonValidated)
        {
            copy.Add(new(header.Key, header.Value.ToString()));
        }

        return copy;
    }

    /// <summary>Headers that describe one connection or one framing, which the client sets for itself.</summary>
    private static bool IsHopByHop(string name) =>
        name.Equals("Connection", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Host", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase);

    private static InvocationResponse Failed(int status, string reason, TimeSpan duration = default) =>
        new() { StatusCode = status, Reason = reason, Duration = duration };

    [LoggerMessage(EventId = LogEvents.InProcessInvocationFailed, Level = LogLevel.Warning, Message = "In-process call of {Name}.{Namespace} failed: {Reason}")] private static partial void LogUpstreamFailed(ILogger logger, string name, string @namespace, string reason);
}
