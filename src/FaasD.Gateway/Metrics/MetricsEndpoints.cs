using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FaasD.Gateway.Metrics;

/// <summary>GET /metrics: Prometheus text, no auth (upstream serves it on a separate :8082 listener; here it shares the port).</summary>
internal static class MetricsEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints, InvocationMetrics metrics) =>
        endpoints.MapGet("/metrics", context =>
        {
            var text = new StringBuilder(1024);
            metrics.WritePrometheus(text);
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            return context.Response.WriteAsync(text.ToString(), context.RequestAborted);
        });
}
