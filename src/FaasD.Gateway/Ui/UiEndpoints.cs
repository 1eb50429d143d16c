using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FaasD.Gateway.Ui;

/// <summary>
/// <c>/ui/</c> behind basic auth. The OpenFaaS portal is not bundled: this serves one static page saying so
/// and pointing at the API and faas-cli.
/// </summary>
internal static class UiEndpoints
{
    private const string Page = """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>FaasD</title></head>
        <body>
        <h1>FaasD</h1>
        <p>The OpenFaaS portal is not bundled with this gateway.</p>
        <p>Use <code>faas-cli</code> (for example <code>faas-cli list</code>) or the HTTP API under
        <a href="../system/functions">/system/functions</a>. Functions are invoked at <code>/function/&lt;name&gt;</code>.</p>
        </body>
        </html>
        """;

    /// <summary>Maps onto the authenticated <c>/ui</c> group.</summary>
    public static void Map(IEndpointRouteBuilder ui)
    {
        RequestDelegate page = static context =>
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            return context.Response.WriteAsync(Page, context.RequestAborted);
        };
        ui.MapGet("/", page);
        ui.MapGet("/index.html", page);
    }
}
