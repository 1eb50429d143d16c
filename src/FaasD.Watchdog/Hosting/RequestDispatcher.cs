namespace FaasD.Watchdog.Hosting;

/// <summary>
/// The watchdog's only request delegate. Two fixed paths and everything else to the function, so no routing
/// table is needed (keeps the NativeAOT binary smaller and the hot path to a string compare).
/// </summary>
internal sealed class RequestDispatcher(WatchdogOptions options, HealthEndpoints health, InflightLimiter limiter, IFunctionHandler function)
{
    private readonly bool _hasReadyEndpoint = options.Mode != WatchdogMode.Classic;

    public async Task DispatchAsync(HttpContext context)
    {
        // write_timeout bounds the whole exchange like Go's http.Server.WriteTimeout: past it the connection is cut.
        using var writeDeadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        writeDeadline.CancelAfter(options.WriteTimeout);
        await using var abortOnDeadline = writeDeadline.Token.Register(static state => ((HttpContext)state!).Abort(), context);
        var cancellationToken = writeDeadline.Token;

        var path = context.Request.Path.Value;
        if (path == HealthEndpoints.HealthPath)
        {
            await health.HealthAsync(context, cancellationToken);
            return;
        }

        if (_hasReadyEndpoint && path == HealthEndpoints.ReadyPath)
        {
            await health.ReadyAsync(context, cancellationToken);
            return;
        }

        if (!limiter.TryEnter())
        {
            await ResponseText.WriteAsync(
                context.Response,
                StatusCodes.Status429TooManyRequests,
                $"Concurrent request limit exceeded. Max concurrent requests: {limiter.MaxInflight}\n",
                cancellationToken);
            return;
        }

        try
        {
            await function.HandleAsync(context, cancellationToken);
        }
        finally
        {
            limiter.Exit();
        }
    }
}
