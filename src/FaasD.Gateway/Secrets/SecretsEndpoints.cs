using FaasD.Functions.Validation;
using System.Text;
using FaasD.Functions.Abstractions;
using FaasD.Gateway.Auth;
using FaasD.Gateway.Http;
using FaasD.Gateway.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaasD.Gateway.Secrets;

/// <summary>
/// <c>/system/secrets</c> with faasd's semantics (contract §9): values are never returned, POST and PUT both
/// create or overwrite (never 409, never 404), a body that is not JSON is a 500, deleting a missing secret is a 500.
/// </summary>
internal sealed class SecretsEndpoints(
    ISecretStore store,
    NamespaceResolver namespaces,
    IOptions<GatewayOptions> options,
    ILogger<SecretsEndpoints> logger)
{
    private readonly long _maxBody = options.Value.MaxSystemRequestBodySize;

    public void Map(IEndpointRouteBuilder endpoints, BasicAuthenticator auth)
    {
        endpoints.MapGet("/system/secrets", auth.Require(ListAsync));
        endpoints.MapPost("/system/secrets", auth.Require(WriteAsync));
        endpoints.MapPut("/system/secrets", auth.Require(WriteAsync));
        endpoints.MapDelete("/system/secrets", auth.Require(DeleteAsync));
    }

    internal async Task ListAsync(HttpContext context)
    {
        var ns = await namespaces.ResolveAsync(context, fromBody: null);
        if (!ns.Succeeded)
        {
            await GatewayResponses.WriteErrorAsync(context, ns.ErrorStatus, ns.Error!);
            return;
        }

        IReadOnlyList<string> names;
        try
        {
            names = await store.ListAsync(ns.Namespace!, context.RequestAborted);
        }
        catch (FunctionPlatformException ex)
        {
            await PlatformErrors.WriteAsync(context, ex);
            return;
        }

        var items = new List<SecretDto>(names.Count);
        foreach (var name in names)
        {
            items.Add(new SecretDto { Name = name, Namespace = ns.Namespace });
        }

        await GatewayResponses.WriteJsonAsync(context, items, GatewayJsonContext.Default.ListSecretDto);
    }

    internal async Task WriteAsync(HttpContext context)
    {
        var body = await JsonBody.ReadAsync(
            context, GatewayJsonContext.Default.SecretDto, _maxBody, malformedStatus: StatusCodes.Status500InternalServerError);
        if (!body.Succeeded)
        {
            await GatewayResponses.WriteErrorAsync(context, body.ErrorStatus, body.Error!);
            return;
        }

        var secret = body.Value!;
        if (Names.SecretNameProblem(secret.Name) is { } invalid)
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, invalid);
            return;
        }

        var ns = await namespaces.ResolveAsync(context, secret.Namespace);
        if (!ns.Succeeded)
        {
            await GatewayResponses.WriteErrorAsync(context, ns.ErrorStatus, ns.Error!);
            return;
        }

        // rawValue (base64 bytes) wins over value when non-empty.
        ReadOnlyMemory<byte> value = secret.RawValue is { Length: > 0 } raw ? raw : Encoding.UTF8.GetBytes(secret.Value ?? "");
        try
        {
            await store.WriteAsync(ns.Namespace!, secret.Name!, value, context.RequestAborted);
        }
        catch (FunctionPlatformException ex)
        {
            await PlatformErrors.WriteAsync(context, ex);
            return;
        }

        Log.Written(logger, secret.Name!, ns.Namespace!);
        GatewayResponses.Status(context, StatusCodes.Status200OK);
    }

    internal async Task DeleteAsync(HttpContext context)
    {
        var body = await JsonBody.ReadAsync(
            context, GatewayJsonContext.Default.SecretDto, _maxBody, malformedStatus: StatusCodes.Status500InternalServerError);
        if (!body.Succeeded)
        {
            await GatewayResponses.WriteErrorAsync(context, body.ErrorStatus, body.Error!);
            return;
        }

        var secret = body.Value!;
        if (Names.SecretNameProblem(secret.Name) is { } invalid)
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, invalid);
            return;
        }

        var ns = await namespaces.ResolveAsync(context, secret.Namespace);
        if (!ns.Succeeded)
        {
            await GatewayResponses.WriteErrorAsync(context, ns.ErrorStatus, ns.Error!);
            return;
        }

        try
        {
            await store.RemoveAsync(ns.Namespace!, secret.Name!, context.RequestAborted);
        }
        catch (FunctionPlatformException ex) when (ex.Kind == FunctionErrorKind.NotFound)
        {
            // faasd answers a failed file removal with 500 and the OS error; faas-cli reports it as an error either way.
            await GatewayResponses.WriteErrorAsync(
                context, StatusCodes.Status500InternalServerError, $"unable to remove secret {secret.Name}.{ns.Namespace}: {ex.Message}");
            return;
        }
        catch (FunctionPlatformException ex)
        {
            await PlatformErrors.WriteAsync(context, ex);
            return;
        }

        Log.Removed(logger, secret.Name!, ns.Namespace!);
        GatewayResponses.Status(context, StatusCodes.Status200OK);
    }

    private static class Log
    {
        private static readonly Action<ILogger, string, string, Exception?> s_written =
            LoggerMessage.Define<string, string>(LogLevel.Information, new EventId(300, "SecretWritten"), "Wrote secret {Name} in {Namespace}");

        private static readonly Action<ILogger, string, string, Exception?> s_removed =
            LoggerMessage.Define<string, string>(LogLevel.Information, new EventId(301, "SecretRemoved"), "Removed secret {Name} from {Namespace}");

        public static void Written(ILogger logger, string name, string ns) => s_written(logger, name, ns, null);

        public static void Removed(ILogger logger, string name, string ns) => s_removed(logger, name, ns, null);
    }
}
