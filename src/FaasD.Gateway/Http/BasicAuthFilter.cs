namespace FaasD.Gateway.Http;

/// <summary>Runs the endpoint only for an authenticated caller; anyone else gets faas-provider's 401 answer.</summary>
internal sealed class BasicAuthFilter(BasicAuthenticator auth) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (auth.IsAuthorized(http.Request))
        {
            return await next(context);
        }

        await BasicAuthenticator.WriteUnauthorizedAsync(http);
        return null;
    }
}
