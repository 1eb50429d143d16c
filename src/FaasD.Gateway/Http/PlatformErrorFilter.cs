namespace FaasD.Gateway.Http;

/// <summary>
/// Turns a <see cref="FunctionPlatformException"/> thrown by a <c>/system</c> handler into the OpenFaaS error answer
/// (Go <c>http.Error</c> text with the status of its kind). A handler whose contract fixes the wording or status
/// says so beforehand with <see cref="PlatformErrorAnswer"/>. Once the response has started nothing can be
/// rewritten, so the exception goes on to the server, which aborts the connection.
/// </summary>
internal sealed class PlatformErrorFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (FunctionPlatformException ex) when (!context.HttpContext.Response.HasStarted)
        {
            var answer = PlatformErrorAnswer.For(context.HttpContext);
            await PlatformErrors.WriteAsync(context.HttpContext, ex, answer.AlreadyExistsStatus, answer.NotFoundMessage);
            return null;
        }
    }
}
