using FaasD.Functions.Validation;
using FaasD.Functions.Abstractions;
using FaasD.Gateway.Auth;
using FaasD.Gateway.Http;
using FaasD.Gateway.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaasD.Gateway.Namespaces;

/// <summary>
/// <c>/system/namespaces</c> and <c>/system/namespace/{name}</c> (contract §11): every write must carry the label
/// <c>openfaas: "1"</c>; PUT and DELETE must name the same namespace in body and path; POST → 201, PUT/DELETE → 202.
/// </summary>
internal sealed class NamespacesEndpoints(
    INamespaceStore store,
    IOptions<GatewayOptions> options,
    ILogger<NamespacesEndpoints> logger)
{
    internal const string OpenFaaSLabel = "openfaas";
    internal const string MissingLabel = "request does not have openfaas=1 label";

    private readonly long _maxBody = options.Value.MaxSystemRequestBodySize;
    private readonly string _defaultNamespace = options.Value.DefaultNamespace;

    public void Map(IEndpointRouteBuilder endpoints, BasicAuthenticator auth)
    {
        endpoints.MapGet("/system/namespaces", auth.Require(ListAsync));
        endpoints.MapGet("/system/namespace/{name?}", auth.Require(GetAsync));
        endpoints.MapPost("/system/namespace/{name?}", auth.Require(CreateAsync));
        endpoints.MapPut("/system/namespace/{name?}", auth.Require(UpdateAsync));
        endpoints.MapDelete("/system/namespace/{name?}", auth.Require(DeleteAsync));
    }

    internal async Task ListAsync(HttpContext context)
    {
        IReadOnlyList<string> names;
        try
        {
            names = await store.ListAsync(context.RequestAborted);
        }
        catch (FunctionPlatformException ex)
        {
            await PlatformErrors.WriteAsync(context, ex);
            return;
        }

        await GatewayResponses.WriteJsonAsync(context, names, GatewayJsonContext.Default.IReadOnlyListString);
    }

    internal async Task GetAsync(HttpContext context)
    {
        var name = (string?)context.GetRouteValue("name");
        if (string.IsNullOrEmpty(name) || !Names.IsDns1123Label(name))
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound, $"namespace {name} not found");
            return;
        }

        FunctionNamespace? ns;
        try
        {
            ns = await store.GetAsync(name, context.RequestAborted);
        }
        catch (FunctionPlatformException ex)
        {
            await PlatformErrors.WriteAsync(context, ex, notFoundMessage: $"namespace {name} not found");
            return;
        }

        if (ns is null || (name != _defaultNamespace && !ns.Labels.ContainsKey(OpenFaaSLabel)))
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound, $"namespace {name} not found");
            return;
        }

        var dto = new FunctionNamespaceDto { Name = ns.Name, Labels = ns.Labels.Count == 0 ? null : new Dictionary<string, string>(ns.Labels) };
        await GatewayResponses.WriteJsonAsync(context, dto, GatewayJsonContext.Default.FunctionNamespaceDto);
    }

    internal async Task CreateAsync(HttpContext context)
    {
        var body = await ReadLabelledBodyAsync(context);
        if (body is null)
        {
            return;
        }

        var pathName = (string?)context.GetRouteValue("name");
        var name = !string.IsNullOrEmpty(body.Name) ? body.Name : pathName;
        if (Names.NamespaceNameProblem(name) is { } invalid)
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, invalid);
            return;
        }

        try
        {
            await store.CreateAsync(ToNamespace(name!, body), context.RequestAborted);
        }
        catch (FunctionPlatformException ex)
        {
            await PlatformErrors.WriteAsync(context, ex);
            return;
        }

        Log.Changed(logger, "Created", name!);
        GatewayResponses.Status(context, StatusCodes.Status201Created);
    }

    internal async Task UpdateAsync(HttpContext context)
    {
        var body = await ReadLabelledBodyAsync(context);
        var name = body is null ? null : await MatchPathAsync(context, body);
        if (name is null)
        {
            return;
        }

        try
        {
            await store.UpdateAsync(ToNamespace(name, body!), context.RequestAborted);
        }
        catch (FunctionPlatformException ex)
        {
            await PlatformErrors.WriteAsync(context, ex, notFoundMessage: $"namespace {name} not found");
            return;
        }

        Log.Changed(logger, "Updated", name);
        GatewayResponses.Status(context, StatusCodes.Status202Accepted);
    }

    internal async Task DeleteAsync(HttpContext context)
    {
        var body = await ReadLabelledBodyAsync(context);
        var name = body is null ? null : await MatchPathAsync(context, body);
        if (name is null)
        {
            return;
        }

        try
        {
            await store.DeleteAsync(name, context.RequestAborted);
        }
        catch (FunctionPlatformException ex)
        {
            await PlatformErrors.WriteAsync(context, ex, notFoundMessage: $"namespace {name} not found");
            return;
        }

        Log.Changed(logger, "Deleted", name);
        GatewayResponses.Status(context, StatusCodes.Status202Accepted);
    }

    /// <summary>Reads the body and enforces the <c>openfaas=1</c> label; null when an error was written.</summary>
    private async Task<FunctionNamespaceDto?> ReadLabelledBodyAsync(HttpContext context)
    {
        var body = await JsonBody.ReadAsync(context, GatewayJsonContext.Default.FunctionNamespaceDto, _maxBody);
        if (!body.Succeeded)
        {
            await GatewayResponses.WriteErrorAsync(context, body.ErrorStatus, body.Error!);
            return null;
        }

        if (body.Value!.Labels is null || !body.Value.Labels.TryGetValue(OpenFaaSLabel, out var value) || value != "1")
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, MissingLabel);
            return null;
        }

        return body.Value;
    }

    /// <summary>PUT and DELETE: the body must name the namespace of the path; null when an error was written.</summary>
    private static async Task<string?> MatchPathAsync(HttpContext context, FunctionNamespaceDto body)
    {
        var pathName = (string?)context.GetRouteValue("name");
        if (Names.NamespaceNameProblem(pathName) is { } invalid)
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, invalid);
            return null;
        }

        if (body.Name != pathName)
        {
            await GatewayResponses.WriteErrorAsync(
                context, StatusCodes.Status400BadRequest, $"namespace name in the body ({body.Name}) must match the path ({pathName})");
            return null;
        }

        return pathName;
    }

    private static FunctionNamespace ToNamespace(string name, FunctionNamespaceDto body) =>
        new(name, body.Labels ?? [], body.Annotations ?? []);

    private static class Log
    {
        private static readonly Action<ILogger, string, string, Exception?> s_changed =
            LoggerMessage.Define<string, string>(LogLevel.Information, new EventId(400, "NamespaceChanged"), "{Action} namespace {Name}");

        public static void Changed(ILogger logger, string action, string name) => s_changed(logger, action, name, null);
    }
}
