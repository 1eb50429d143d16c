namespace FaasD.Gateway.Http;

/// <summary>
/// The one place that makes a route part of the authenticated API: a route group whose endpoint filters check
/// basic auth first and then turn a <see cref="Functions.Abstractions.FunctionPlatformException"/> escaping the
/// handler into the OpenFaaS error answer. Handlers under it neither wrap themselves nor catch platform errors.
/// </summary>
internal static class SystemRouteGroup
{
    /// <summary>A group at <paramref name="prefix"/> (<c>/system</c> or <c>/ui</c>) with the auth and error filters.</summary>
    public static RouteGroupBuilder MapAuthenticatedGroup(this IEndpointRouteBuilder endpoints, string prefix, BasicAuthenticator auth)
    {
        var group = endpoints.MapGroup(prefix);
        group.AddEndpointFilter(new BasicAuthFilter(auth));
        group.AddEndpointFilter(new PlatformErrorFilter());
        return group;
    }

    /// <summary>
    /// The layout the OpenFaaS API gives functions, secrets and namespaces: one path, read with GET, created with POST,
    /// replaced with PUT and removed with DELETE.
    /// </summary>
    public static void MapResource(
        this IEndpointRouteBuilder group, string path, RequestDelegate get, RequestDelegate post, RequestDelegate put, RequestDelegate delete)
    {
        group.MapGet(path, get);
        group.MapPost(path, post);
        group.MapPut(path, put);
        group.MapDelete(path, delete);
    }
}
