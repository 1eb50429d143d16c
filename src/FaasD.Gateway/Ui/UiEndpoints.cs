namespace FaasD.Gateway.Ui;

/// <summary>
/// The portal at <c>/ui/</c> behind basic auth: one HTML page, one script and one stylesheet, embedded in the
/// binary. The page talks to the OpenFaaS API (<c>/system/*</c>, <c>/function/*</c>) with the browser's basic-auth
/// credentials, plus <see cref="UiApiEndpoints"/> for what the API does not carry (state, latency, activity).
/// </summary>
internal sealed class UiEndpoints(UiAssets assets, UiApiEndpoints api)
{
    /// <summary>Maps onto the authenticated <c>/ui</c> route group (its filter does the basic auth).</summary>
    public void Map(IEndpointRouteBuilder ui)
    {
        RequestDelegate index = context =>
        {
            // Routing ignores the trailing slash, but the page's relative links need it.
            if (!context.Request.Path.Value!.EndsWith('/'))
            {
                context.Response.Redirect("/ui/", permanent: false);
                return Task.CompletedTask;
            }

            return ServeAsync(context, "index.html");
        };
        RequestDelegate page = context => ServeAsync(context, "index.html");
        RequestDelegate file = context => ServeAsync(context, (string)context.GetRouteValue("file")!);
        ui.MapGet("/", index);
        ui.MapGet("/index.html", page);
        ui.MapGet("/{file}", file);
        api.Map(ui);
    }

    private Task ServeAsync(HttpContext context, string fileName)
    {
        var response = context.Response;
        if (assets.Find(fileName) is not { } asset)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        response.Headers[HeaderNames.ETag] = asset.ETag;
        // Revalidate every time (a 304 costs one round trip) so an upgraded daemon never serves a stale script.
        response.Headers[HeaderNames.CacheControl] = "no-cache";
        response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
        response.Headers["Content-Security-Policy"] =
            "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; frame-ancestors 'none'";
        if (context.Request.Headers[HeaderNames.IfNoneMatch] == asset.ETag)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        response.ContentType = asset.ContentType;
        response.ContentLength = asset.Content.Length;
        return response.Body.WriteAsync(asset.Content, context.RequestAborted).AsTask();
    }
}
