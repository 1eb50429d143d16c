namespace FaasD.Gateway.Invoke;

/// <summary>
/// The cached transformer of the invoke proxy. Requests: YARP copies headers minus hop-by-hop ones; we also drop
/// the ones the OpenFaaS gateway drops that YARP keeps, and let Host be the function's address (the caller's is in
/// X-Forwarded-Host). Responses: the function's headers, then the gateway's own (X-Call-Id only when we generated
/// it, X-Start-Time, X-Served-By), and a Content-Type fallback (the request's, else text/plain).
/// </summary>
internal sealed class InvokeTransformer(string servedBy) : HttpTransformer
{
    public const string CallId = "X-Call-Id";
    public const string StartTime = "X-Start-Time";
    public const string ServedBy = "X-Served-By";

    private static readonly string[] s_alsoHopByHop = [HeaderNames.ProxyAuthorization, HeaderNames.ProxyAuthenticate, HeaderNames.TE, HeaderNames.Trailer];

    public override ValueTask TransformRequestAsync(
        HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        // The function's URI: prefix + the raw path after the name + the raw query, byte for byte as the caller sent them.
        var upstreamPath = InvokeTarget.UpstreamPath(InvokeTarget.RawPath(httpContext));
        proxyRequest.RequestUri = new Uri(string.Concat(destinationPrefix, upstreamPath, httpContext.Request.QueryString.Value), UriKind.Absolute);

        var copied = base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        if (!copied.IsCompletedSuccessfully)
        {
            return FinishRequestAsync(copied, proxyRequest);
        }

        FinishRequest(proxyRequest);
        return default;
    }

    public override ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var headers = httpContext.Response.Headers;
        var generatedCallId = headers[CallId];
        var copied = base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        if (!copied.IsCompletedSuccessfully)
        {
            return FinishResponseAsync(copied, httpContext, generatedCallId);
        }

        var proceed = copied.Result;
        if (proceed)
        {
            FinishResponse(httpContext, generatedCallId);
        }

        return new ValueTask<bool>(proceed);
    }

    private static async ValueTask FinishRequestAsync(ValueTask copied, HttpRequestMessage proxyRequest)
    {
        await copied;
        FinishRequest(proxyRequest);
    }

    private static void FinishRequest(HttpRequestMessage proxyRequest)
    {
        var headers = proxyRequest.Headers;
        headers.Host = null;
        foreach (var name in s_alsoHopByHop)
        {
            if (headers.NonValidated.Contains(name))
            {
                headers.Remove(name);
            }
        }
    }

    private async ValueTask<bool> FinishResponseAsync(ValueTask<bool> copied, HttpContext httpContext, StringValues generatedCallId)
    {
        var proceed = await copied;
        if (proceed)
        {
            FinishResponse(httpContext, generatedCallId);
        }

        return proceed;
    }

    private void FinishResponse(HttpContext httpContext, StringValues generatedCallId)
    {
        var response = httpContext.Response;
        var headers = response.Headers;
        if (!StringValues.IsNullOrEmpty(generatedCallId))
        {
            headers[CallId] = generatedCallId;
        }

        headers[StartTime] = httpContext.Request.Headers[StartTime];
        headers[ServedBy] = servedBy;
        if (StringValues.IsNullOrEmpty(headers.ContentType)
            && response.StatusCode is not (StatusCodes.Status204NoContent or StatusCodes.Status304NotModified))
        {
            var requestType = httpContext.Request.Headers.ContentType;
            headers.ContentType = StringValues.IsNullOrEmpty(requestType) ? "text/plain" : requestType;
        }
    }
}
