namespace FaasD.Gateway.Http;

/// <summary>A namespace chosen for a request, or the reason it cannot be used.</summary>
internal readonly record struct NamespaceResult(string? Namespace, int ErrorStatus, string? Error)
{
    public bool Succeeded => Namespace is not null;
}

/// <summary>
/// Picks the namespace of a <c>/system/*</c> call: the body's, else <c>?namespace=</c>, else the default
/// (accepting both everywhere, as the contract recommends), and checks it is an OpenFaaS namespace.
/// </summary>
internal sealed class NamespaceResolver(INamespaceStore namespaces, IOptions<GatewayOptions> options)
{
    public const string NotValid = "namespace not valid";

    private readonly string _default = options.Value.DefaultNamespace;

    public string DefaultNamespace => _default;

    public async Task<NamespaceResult> ResolveAsync(HttpContext context, string? fromBody)
    {
        var name = !string.IsNullOrEmpty(fromBody) ? fromBody : context.Request.Query["namespace"].ToString();
        if (string.IsNullOrEmpty(name) || name == _default)
        {
            return new NamespaceResult(_default, 0, null);
        }

        if (!Names.IsDns1123Label(name))
        {
            return new NamespaceResult(null, StatusCodes.Status400BadRequest, NotValid);
        }

        try
        {
            return await namespaces.IsValidAsync(name, context.RequestAborted)
                ? new NamespaceResult(name, 0, null)
                : new NamespaceResult(null, StatusCodes.Status400BadRequest, NotValid);
        }
        catch (FunctionPlatformException ex)
        {
            var status = ex.Kind == FunctionErrorKind.NotFound ? StatusCodes.Status400BadRequest : PlatformErrors.StatusFor(ex.Kind);
            return new NamespaceResult(null, status, ex.Message);
        }
    }

    /// <summary><see cref="ResolveAsync"/>, answering a namespace it cannot use itself: null when it did.</summary>
    public async Task<string?> ResolveOrAnswerAsync(HttpContext context, string? fromBody)
    {
        var ns = await ResolveAsync(context, fromBody);
        if (!ns.Succeeded)
        {
            await GatewayResponses.WriteErrorAsync(context, ns.ErrorStatus, ns.Error!);
        }

        return ns.Namespace;
    }

    /// <summary>
    /// The <c>GET</c> lists (functions, secrets, the portal's functions): the items <paramref name="itemsOf"/> gives for the
    /// namespace of <c>?namespace=</c>, as JSON; a namespace it cannot use is answered instead.
    /// </summary>
    public async Task WriteListAsync<T>(HttpContext context, Func<string, Task<List<T>>> itemsOf, JsonTypeInfo<List<T>> typeInfo)
    {
        if (await ResolveOrAnswerAsync(context, fromBody: null) is { } ns)
        {
            await GatewayResponses.WriteJsonAsync(context, await itemsOf(ns), typeInfo);
        }
    }

    /// <summary>
    /// The function a <c>…/{name}</c> route names and its namespace (<c>?namespace=</c>), answering a bad name or
    /// namespace itself: null when it did.
    /// </summary>
    public async Task<(string Name, string Namespace)?> ResolveRouteFunctionOrAnswerAsync(HttpContext context)
    {
        var name = (string?)context.GetRouteValue("name");
        if (await GatewayResponses.RejectAsync(context, Names.FunctionNameProblem(name)))
        {
            return null;
        }

        return await ResolveOrAnswerAsync(context, fromBody: null) is { } ns ? (name!, ns) : null;
    }
}
