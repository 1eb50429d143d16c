using FaasD.Shared;
using Microsoft.AspNetCore.Http.Features;

namespace FaasD.Watchdog.Upstream;

/// <summary>
/// http mode: forwards each request to the long-running upstream, streaming both bodies. Status and headers are
/// the upstream's plus <c>X-Duration-Seconds</c>; the watchdog's own failures carry <c>X-OpenFaaS-Internal</c>
/// (500 when the upstream cannot be reached, 504 when <c>exec_timeout</c> or a lower <c>X-Timeout</c> passes).
/// </summary>
internal sealed class HttpProxyHandler(
    WatchdogOptions options, UpstreamSupervisor upstream, HttpMessageInvoker client, TimeProvider time, ILogger<HttpProxyHandler> logger)
    : IFunctionHandler
{
    private const string InternalHeader = "X-OpenFaaS-Internal";
    private const string InternalHeaderValue = "of-watchdog";

    public async Task HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        using var exec = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var limit = ExecLimit(context.Request);
        if (limit > TimeSpan.Zero)
        {
            exec.CancelAfter(limit);
        }

        try
        {
            await upstream.WhenReadyAsync(exec.Token);
            using var request = await CreateRequestAsync(context, exec.Token);
            using var response = await client.SendAsync(request, exec.Token);
            context.Response.StatusCode = (int)response.StatusCode;
            ProxyHeaders.CopyToClient(response, context.Response);
            context.Response.Headers[ResponseText.DurationHeader] = ResponseText.FormatDuration(time.GetElapsedTime(started));
            await using var body = await response.Content.ReadAsStreamAsync(exec.Token);
            await body.CopyToAsync(context.Response.Body, exec.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            var timedOut = exec.IsCancellationRequested;
            if (timedOut)
            {
                Log.ExecTimeout(logger, limit);
            }
            else
            {
                Log.UpstreamRequestFailed(logger, e.Message);
            }

            await FailAsync(context, timedOut ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status500InternalServerError, cancellationToken);
        }
    }

    /// <summary>http mode's <c>ready_path</c>: the function decides readiness; any failure to ask means 503.</summary>
    public async Task<int> ProbeAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(upstream.Url, path));
            using var response = await client.SendAsync(request, cancellationToken);
            return (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return StatusCodes.Status503ServiceUnavailable;
        }
    }

    private TimeSpan ExecLimit(HttpRequest request)
    {
        // X-Timeout may only lower the limit: a caller must not be able to hold a process past exec_timeout.
        if (GoDuration.TryParseTimeout(request.Headers["X-Timeout"].ToString(), out var requested) && requested > TimeSpan.Zero
            && (options.ExecTimeout == TimeSpan.Zero || requested < options.ExecTimeout))
        {
            return requested;
        }

        return options.ExecTimeout;
    }

    private async Task<HttpRequestMessage> CreateRequestAsync(HttpContext context, CancellationToken cancellationToken)
    {
        // The raw target keeps the client's exact encoding of path and query.
        var target = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), upstream.Url.OriginalString.TrimEnd('/') + target);
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            request.Content = options.BufferRequestBody
                ? new ByteArrayContent(await ReadAllAsync(context.Request.Body, cancellationToken))
                : new StreamContent(context.Request.Body);
        }

        ProxyHeaders.CopyToUpstream(context.Request, request);
        return request;
    }

    private static async Task<byte[]> ReadAllAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    private static Task FailAsync(HttpContext context, int statusCode, CancellationToken cancellationToken)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return Task.CompletedTask;
        }

        context.Response.Clear();
        context.Response.Headers[InternalHeader] = InternalHeaderValue;
        context.Response.StatusCode = statusCode;
        return Task.CompletedTask;
    }
}
