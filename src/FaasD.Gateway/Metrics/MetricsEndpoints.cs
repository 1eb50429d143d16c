namespace FaasD.Gateway.Metrics;

/// <summary>
/// <c>GET /metrics</c>: Prometheus text of the daemon's registry, no auth, after refreshing the series read from
/// the platform. Served on the metrics listener (like the OpenFaaS gateway's :8082), not the API port.
/// </summary>
internal sealed class MetricsEndpoints(PlatformGauges gauges)
{
    public const string Path = "/metrics";

    public async Task WriteAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = "GET, HEAD";
            return;
        }

        await gauges.RefreshAsync(context.RequestAborted);
        response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        if (HttpMethods.IsHead(request.Method))
        {
            return;
        }

        await FaasDMetrics.Registry.CollectAndExportAsTextAsync(response.Body, context.RequestAborted);
    }
}
