using FaasD.Watchdog.Upstream;

namespace FaasD.Watchdog.Health;

/// <summary><c>/_/health</c> and <c>/_/ready</c> (spec §6).</summary>
internal sealed class HealthEndpoints(ReadinessState readiness, InflightLimiter limiter, string? readyPath, HttpProxyHandler? proxy)
{
    public const string HealthPath = "/_/health";
    public const string ReadyPath = "/_/ready";

    public Task HealthAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            return ResponseText.WriteAsync(context.Response, StatusCodes.Status405MethodNotAllowed, "Method not allowed\n", cancellationToken);
        }

        return readiness.IsHealthy
            ? ResponseText.WriteAsync(context.Response, StatusCodes.Status200OK, "OK", cancellationToken)
            : ResponseText.WriteAsync(context.Response, StatusCodes.Status503ServiceUnavailable, "Unavailable\n", cancellationToken);
    }

    public async Task ReadyAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            await ResponseText.WriteAsync(context.Response, StatusCodes.Status405MethodNotAllowed, "Method not allowed\n", cancellationToken);
            return;
        }

        if (!readiness.IsHealthy)
        {
            await ResponseText.WriteAsync(context.Response, StatusCodes.Status503ServiceUnavailable, "Unavailable\n", cancellationToken);
            return;
        }

        if (limiter.IsAtCapacity)
        {
            await ResponseText.WriteAsync(context.Response, StatusCodes.Status429TooManyRequests, "Concurrent request limit reached\n", cancellationToken);
            return;
        }

        var status = readyPath is not null && proxy is not null
            ? await proxy.ProbeAsync(readyPath, cancellationToken)
            : StatusCodes.Status200OK;
        await ResponseText.WriteAsync(context.Response, status, status == StatusCodes.Status200OK ? "OK" : string.Empty, cancellationToken);
    }
}
