using FaasD.Functions.Validation;
using FaasD.Functions.Abstractions;
using FaasD.Gateway.Auth;
using FaasD.Gateway.Http;
using FaasD.Gateway.Json;
using FaasD.Gateway.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaasD.Gateway.Functions;

/// <summary>
/// <c>/system/functions</c> (list, deploy, update, delete), <c>/system/function/{name}</c> (status) and
/// <c>/system/scale-function/{name}</c>, with faasd's status codes and texts.
/// </summary>
internal sealed class FunctionsEndpoints(
    IFunctionPlatform platform,
    ISecretStore secrets,
    NamespaceResolver namespaces,
    InvocationMetrics metrics,
    IOptions<GatewayOptions> options,
    ILogger<FunctionsEndpoints> logger)
{
    private readonly long _maxBody = options.Value.MaxSystemRequestBodySize;

    public void Map(IEndpointRouteBuilder endpoints, BasicAuthenticator auth)
    {
        endpoints.MapGet("/system/functions", auth.Require(ListAsync));
        endpoints.MapPost("/system/functions", auth.Require(DeployAsync));
        endpoints.MapPut("/system/functions", auth.Require(UpdateAsync));
        endpoints.MapDelete("/system/functions", auth.Require(DeleteAsync));
        endpoints.MapGet("/system/function/{name}", auth.Require(GetAsync));
        endpoints.Map("/system/scale-function/{name}", auth.Require(ScaleAsync));
    }

    internal async Task ListAsync(HttpContext context)
    {
        var ns = await namespaces.ResolveAsync(context, fromBody: null);
        if (!ns.Succeeded)
        {
            await GatewayResponses.WriteErrorAsync(context, ns.ErrorStatus, ns.Error!);
            return;
        }

        IReadOnlyList<FunctionInfo> functions;
        try
        {
            functions = await platform.ListAsync(ns.Namespace!, context.RequestAborted);
        }
        catch (FunctionPlatformException ex)
        {
            await PlatformErrors.WriteAsync(context, ex);
            return;
        }

        var items = new List<FunctionStatusDto>(functions.Count);
        foreach (var function in functions)
        {
            var count = metrics.InvocationCount(function.Spec.Namespace, function.Spec.Name);
            items.Add(FunctionMapping.ToStatus(function, withAvailableReplicas: false, count));
        }

        await GatewayResponses.WriteJsonAsync(context, items, GatewayJsonContext.Default.ListFunctionStatusDto);
    }

    internal async Task GetAsync(HttpContext context)
    {
        var name = (string?)context.GetRouteValue("name");
        if (Names.FunctionNameProblem(name) is { } invalid)
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, invalid);
            return;
        }

        var ns = await namespaces.ResolveAsync(context, fromBody: null);
        if (!ns.Succeeded)
        {
            await GatewayResponses.WriteErrorAsync(context, ns.ErrorStatus, ns.Error!);
            return;
        }

        FunctionInfo? function;
        try
        {
            function = await platform.GetAsync(ns.Namespace!, name!, context.RequestAborted);
        }
        catch (FunctionPlatformException ex) when (ex.Kind == FunctionErrorKind.NotFound)
        {
            function = null;
        }
        catch (FunctionPlatformException ex)
        {
            await PlatformErrors.WriteAsync(context, ex);
            return;
        }

        if (function is null)
        {
            // faasd: unknown function → 404 with an empty body (faas-cli prints "no such function").
            GatewayResponses.Status(context, StatusCodes.Status404NotFound);
            return;
        }

        await GatewayResponses.WriteJsonAsync(
            context, FunctionMapping.ToStatus(function, withAvailableReplicas: true, invocationCount: 0), GatewayJsonContext.Default.FunctionStatusDto);
    }

    internal Task DeployAsync(HttpContext context) => DeployOrUpdateAsync(context, update: false);

    internal Task UpdateAsync(HttpContext context) => DeployOrUpdateAsync(context, update: true);

    private async Task DeployOrUpdateAsync(HttpContext context, bool update)
    {
        var body = await JsonBody.ReadAsync(context, GatewayJsonContext.Default.FunctionDeployment, _maxBody);
        if (!body.Succeeded)
        {
            await GatewayResponses.WriteErrorAsync(context, body.ErrorStatus, body.Error!);
            return;
        }

        var request = body.Value!;
        if (Names.FunctionNameProblem(request.Service) is { } invalid)
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, invalid);
            return;
        }

        if (string.IsNullOrWhiteSpace(request.Image))
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "image is required");
            return;
        }

        var ns = await namespaces.ResolveAsync(context, request.Namespace);
        if (!ns.Succeeded)
        {
            await GatewayResponses.WriteErrorAsync(context, ns.ErrorStatus, ns.Error!);
            return;
        }

        if (request.Secrets is { } requested)
        {
            foreach (var secret in requested)
            {
                if (Names.SecretNameProblem(secret) is not null || !secrets.Exists(ns.Namespace!, secret))
                {
                    await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, $"unable to find secret: {secret}");
                    return;
                }
            }
        }

        var spec = FunctionMapping.ToSpec(request, ns.Namespace!);
        try
        {
            if (update)
            {
                await platform.UpdateAsync(spec, context.RequestAborted);
            }
            else
            {
                await platform.DeployAsync(spec, context.RequestAborted);
            }
        }
        catch (FunctionPlatformException ex)
        {
            // PUT on a missing function must be 404 so faas-cli retries with POST; POST on an existing one is 400 in faasd.
            await PlatformErrors.WriteAsync(
                context, ex, alreadyExistsStatus: StatusCodes.Status400BadRequest, notFoundMessage: $"function: {spec.Name}.{spec.Namespace} not found");
            return;
        }

        Log.Deployed(logger, update ? "Updated" : "Deployed", spec.Name, spec.Namespace, spec.Image);
        GatewayResponses.Status(context, StatusCodes.Status200OK);
    }

    internal async Task DeleteAsync(HttpContext context)
    {
        var body = await JsonBody.ReadAsync(context, GatewayJsonContext.Default.DeleteFunctionRequest, _maxBody);
        if (!body.Succeeded)
        {
            await GatewayResponses.WriteErrorAsync(context, body.ErrorStatus, body.Error!);
            return;
        }

        var request = body.Value!;
        if (Names.FunctionNameProblem(request.FunctionName) is { } invalid)
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, invalid);
            return;
        }

        var ns = await namespaces.ResolveAsync(context, request.Namespace);
        if (!ns.Succeeded)
        {
            await GatewayResponses.WriteErrorAsync(context, ns.ErrorStatus, ns.Error!);
            return;
        }

        var name = request.FunctionName!;
        try
        {
            await platform.RemoveAsync(ns.Namespace!, name, context.RequestAborted);
        }
        catch (FunctionPlatformException ex)
        {
            await PlatformErrors.WriteAsync(context, ex, notFoundMessage: $"function {name}.{ns.Namespace} not found");
            return;
        }

        metrics.Remove(ns.Namespace!, name);
        Log.Removed(logger, name, ns.Namespace!);
        GatewayResponses.Status(context, StatusCodes.Status200OK);
    }

    internal async Task ScaleAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status405MethodNotAllowed, "Only POST is allowed");
            return;
        }

        var name = (string?)context.GetRouteValue("name");
        if (Names.FunctionNameProblem(name) is { } invalid)
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, invalid);
            return;
        }

        var body = await JsonBody.ReadAsync(context, GatewayJsonContext.Default.ScaleServiceRequest, _maxBody);
        if (!body.Succeeded)
        {
            await GatewayResponses.WriteErrorAsync(context, body.ErrorStatus, body.Error!);
            return;
        }

        var ns = await namespaces.ResolveAsync(context, body.Value!.Namespace);
        if (!ns.Succeeded)
        {
            await GatewayResponses.WriteErrorAsync(context, ns.ErrorStatus, ns.Error!);
            return;
        }

        // Unlike the CE gateway (which clamps 0 to 1), 0 is honoured: it freezes every replica (scale to zero).
        // Any positive count is kept within the function's com.openfaas.scale.min/max by the platform.
        var replicas = (int)Math.Min(body.Value.Replicas, int.MaxValue);
        try
        {
            await platform.ScaleAsync(ns.Namespace!, name!, replicas, context.RequestAborted);
        }
        catch (FunctionPlatformException ex)
        {
            await PlatformErrors.WriteAsync(context, ex, notFoundMessage: $"function: {name}.{ns.Namespace} not found");
            return;
        }

        Log.Scaled(logger, name!, ns.Namespace!, replicas);
        GatewayResponses.Status(context, StatusCodes.Status200OK);
    }

    private static class Log
    {
        private static readonly Action<ILogger, string, string, string, string, Exception?> s_deployed =
            LoggerMessage.Define<string, string, string, string>(
                LogLevel.Information, new EventId(200, "FunctionDeployed"), "{Action} function {Name}.{Namespace} from {Image}");

        private static readonly Action<ILogger, string, string, Exception?> s_removed =
            LoggerMessage.Define<string, string>(LogLevel.Information, new EventId(201, "FunctionRemoved"), "Removed function {Name}.{Namespace}");

        private static readonly Action<ILogger, string, string, int, Exception?> s_scaled =
            LoggerMessage.Define<string, string, int>(
                LogLevel.Information, new EventId(202, "FunctionScaled"), "Scaled function {Name}.{Namespace} to {Replicas}");

        public static void Deployed(ILogger logger, string action, string name, string ns, string image) => s_deployed(logger, action, name, ns, image, null);

        public static void Removed(ILogger logger, string name, string ns) => s_removed(logger, name, ns, null);

        public static void Scaled(ILogger logger, string name, string ns, int replicas) => s_scaled(logger, name, ns, replicas, null);
    }
}
