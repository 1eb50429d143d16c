namespace FaasD.Gateway.Functions;

/// <summary>
/// <c>/system/functions</c> (list, deploy, update, delete), <c>/system/function/{name}</c> (status) and
/// <c>/system/scale-function/{name}</c>, with faasd's status codes and texts.
/// </summary>
internal sealed partial class FunctionsEndpoints(
    IFunctionPlatform platform,
    ISecretStore secrets,
    NamespaceResolver namespaces,
    SystemRequestBody bodies,
    InvocationMetrics metrics,
    FunctionUsageSource usage,
    ILogger<FunctionsEndpoints> logger) : ISystemEndpoints
{
    /// <summary>Maps onto the authenticated <c>/system</c> group (auth and platform errors are its filters).</summary>
    public void Map(IEndpointRouteBuilder system)
    {
        system.MapResource("/functions", get: ListAsync, post: DeployAsync, put: UpdateAsync, delete: DeleteAsync);
        system.MapGet("/function/{name}", GetAsync);
        system.Map("/scale-function/{name}", ScaleAsync);
    }

    internal Task ListAsync(HttpContext context) =>
        namespaces.WriteListAsync(
            context,
            async ns =>
            {
                var functions = await platform.ListAsync(ns, context.RequestAborted);
                var items = new List<FunctionStatusDto>(functions.Count);
                foreach (var function in functions)
                {
                    var count = metrics.InvocationCount(function.Spec.Namespace, function.Spec.Name);
                    var used = await usage.GetAsync(function.Spec.Namespace, function.Spec.Name, context.RequestAborted);
                    items.Add(FunctionMapping.ToStatus(function, withAvailableReplicas: false, count, used));
                }

                return items;
            },
            GatewayJsonContext.Default.ListFunctionStatusDto);

    internal async Task GetAsync(HttpContext context)
    {
        if (await namespaces.ResolveRouteFunctionOrAnswerAsync(context) is not (var name, var ns))
        {
            return;
        }

        FunctionInfo? function;
        try
        {
            function = await platform.GetAsync(ns, name, context.RequestAborted);
        }
        catch (FunctionPlatformException ex) when (ex.Kind == FunctionErrorKind.NotFound)
        {
            function = null;
        }

        if (function is null)
        {
            // faasd: unknown function → 404 with an empty body (faas-cli prints "no such function").
            GatewayResponses.Status(context, StatusCodes.Status404NotFound);
            return;
        }

        await GatewayResponses.WriteJsonAsync(
            context,
            FunctionMapping.ToStatus(function, withAvailableReplicas: true, invocationCount: 0, await UsageUnlessDeclinedAsync(context, function)),
            GatewayJsonContext.Default.FunctionStatusDto);
    }

    internal Task DeployAsync(HttpContext context) => DeployOrUpdateAsync(context, update: false);

    internal Task UpdateAsync(HttpContext context) => DeployOrUpdateAsync(context, update: true);

    private async Task DeployOrUpdateAsync(HttpContext context, bool update)
    {
        var target = await bodies.ReadTargetAsync(
            context,
            GatewayJsonContext.Default.FunctionDeployment,
            request => Names.FunctionNameProblem(request.Service) ?? DeploymentChecks.Problem(request),
            request => request.Namespace);
        if (target is not (var request, var ns))
        {
            return;
        }

        if (request.Secrets is { } requested)
        {
            foreach (var secret in requested)
            {
                if (Names.SecretNameProblem(secret) is not null || !secrets.Exists(ns, secret))
                {
                    await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, $"unable to find secret: {secret}");
                    return;
                }
            }
        }

        var spec = FunctionMapping.ToSpec(request, ns);

        // PUT on a missing function must be 404 so faas-cli retries with POST; POST on an existing one is 400 in faasd.
        PlatformErrorAnswer.Set(
            context, new(AlreadyExistsStatus: StatusCodes.Status400BadRequest, NotFoundMessage: $"function: {spec.Name}.{spec.Namespace} not found"));
        if (update)
        {
            await platform.UpdateAsync(spec, context.RequestAborted);
        }
        else
        {
            await platform.DeployAsync(spec, context.RequestAborted);
        }

        Log.Deployed(logger, update ? "Updated" : "Deployed", spec.Name, spec.Namespace, spec.Image);
        GatewayResponses.Status(context, StatusCodes.Status200OK);
    }

    internal async Task DeleteAsync(HttpContext context)
    {
        var target = await bodies.ReadTargetAsync(
            context, GatewayJsonContext.Default.DeleteFunctionRequest, request => Names.FunctionNameProblem(request.FunctionName), request => request.Namespace);
        if (target is not (var request, var ns))
        {
            return;
        }

        var name = request.FunctionName!;
        PlatformErrorAnswer.Set(context, new(NotFoundMessage: $"function {name}.{ns} not found"));
        await platform.RemoveAsync(ns, name, context.RequestAborted);

        metrics.Remove(ns, name);
        Log.Removed(logger, name, ns);
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
        if (await GatewayResponses.RejectAsync(context, Names.FunctionNameProblem(name)))
        {
            return;
        }

        var target = await bodies.ReadTargetAsync(context, GatewayJsonContext.Default.ScaleServiceRequest, _ => null, body => body.Namespace);
        if (target is not (var body, var ns))
        {
            return;
        }

        if (body.Replicas is not { } requested)
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "replicas is required (0 freezes the function)");
            return;
        }

        // Unlike the CE gateway (which clamps 0 to 1), 0 is honoured: it freezes every replica (scale to zero).
        // Any positive count is kept within the function's com.openfaas.scale.min/max by the platform.
        var replicas = (int)Math.Min(requested, int.MaxValue);
        PlatformErrorAnswer.Set(context, new(NotFoundMessage: $"function: {name}.{ns} not found"));
        await platform.ScaleAsync(ns, name!, replicas, context.RequestAborted);

        Log.Scaled(logger, name!, ns, replicas);
        GatewayResponses.Status(context, StatusCodes.Status200OK);
    }

    /// <summary>The gateway's own readiness checks send <c>usage=false</c>: they skip the cgroup reads.</summary>
    private async Task<FunctionUsage?> UsageUnlessDeclinedAsync(HttpContext context, FunctionInfo function) =>
        context.Request.Query["usage"].ToString() is "false" or "0"
            ? null
            : await usage.GetAsync(function.Spec.Namespace, function.Spec.Name, context.RequestAborted);

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.FunctionDeployed, Level = LogLevel.Information, Message = "{Action} function {Name}.{Namespace} from {Image}")] public static partial void Deployed(ILogger logger, string action, string name, string @namespace, string image);

        [LoggerMessage(EventId = LogEvents.FunctionRemoved, Level = LogLevel.Information, Message = "Removed function {Name}.{Namespace}")] public static partial void Removed(ILogger logger, string name, string @namespace);

        [LoggerMessage(EventId = LogEvents.FunctionScaled, Level = LogLevel.Information, Message = "Scaled function {Name}.{Namespace} to {Replicas}")] public static partial void Scaled(ILogger logger, string name, string @namespace, int replicas);
    }

}
