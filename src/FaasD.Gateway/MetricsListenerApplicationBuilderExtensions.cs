namespace FaasD.Gateway;

public static class MetricsListenerApplicationBuilderExtensions
{
    /// <summary>
    /// Serves <c>/metrics</c> to connections accepted on <paramref name="metricsPort"/> (the host adds that Kestrel
    /// listener) and nothing else there: the API, the portal and function calls stay on the gateway port.
    /// </summary>
    public static IApplicationBuilder UseFaasMetricsListener(this IApplicationBuilder app, int metricsPort)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(metricsPort);
        var endpoint = app.ApplicationServices.GetRequiredService<MetricsEndpoints>();
        return app.Use(next => context =>
        {
            if (context.Connection.LocalPort != metricsPort)
            {
                return next(context);
            }

            if (context.Request.Path.Equals(MetricsEndpoints.Path, StringComparison.Ordinal))
            {
                return endpoint.WriteAsync(context);
            }

            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
    }
}
