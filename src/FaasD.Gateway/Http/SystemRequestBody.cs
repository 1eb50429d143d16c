namespace FaasD.Gateway.Http;

/// <summary>
/// The JSON bodies of the <c>/system</c> writes, read within <see cref="GatewayOptions.MaxSystemRequestBodySize"/>.
/// Each method answers a body it cannot use itself (413, 400, or the namespace's error) and then returns null.
/// </summary>
internal sealed class SystemRequestBody(NamespaceResolver namespaces, IOptions<GatewayOptions> options)
{
    private readonly long _maxBytes = options.Value.MaxSystemRequestBodySize;

    public Task<T?> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo)
        where T : class =>
        JsonBody.ReadOrAnswerAsync(context, typeInfo, _maxBytes);

    /// <summary>
    /// A body that names something in a namespace (a function, a secret): read, checked by <paramref name="problem"/>
    /// (the caller's mistake, answered 400), and the namespace it names (else <c>?namespace=</c>, else the default) resolved.
    /// </summary>
    public async Task<(T Body, string Namespace)?> ReadTargetAsync<T>(
        HttpContext context, JsonTypeInfo<T> typeInfo, Func<T, string?> problem, Func<T, string?> namespaceOf)
        where T : class
    {
        var body = await ReadAsync(context, typeInfo);
        if (body is null || await GatewayResponses.RejectAsync(context, problem(body)))
        {
            return null;
        }

        return await namespaces.ResolveOrAnswerAsync(context, namespaceOf(body)) is { } ns ? (body, ns) : null;
    }
}
