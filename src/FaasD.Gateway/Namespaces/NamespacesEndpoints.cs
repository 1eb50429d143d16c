namespace FaasD.Gateway.Namespaces;

/// <summary>
/// <c>/system/namespaces</c> and <c>/system/namespace/{name}</c> (contract §11): every write must carry the label
/// <c>openfaas: "1"</c>; PUT and DELETE must name the same namespace in body and path; POST → 201, PUT/DELETE → 202.
/// </summary>
internal sealed partial class NamespacesEndpoints(
    INamespaceStore store,
    SystemRequestBody bodies,
    IOptions<GatewayOptions> options,
    ILogger<NamespacesEndpoints> logger) : ISystemEndpoints
{
    internal const string OpenFaaSLabel = "openfaas";
    internal const string MissingLabel = "request does not have openfaas=1 label";

    private readonly string _defaultNamespace = options.Value.DefaultNamespace;

    /// <summary>Maps onto the authenticated <c>/system</c> group (auth and platform errors are its filters).</summary>
    public void Map(IEndpointRouteBuilder system)
    {
        system.MapGet("/namespaces", ListAsync);
        system.MapResource("/namespace/{name?}", get: GetAsync, post: CreateAsync, put: UpdateAsync, delete: DeleteAsync);
    }

    internal async Task ListAsync(HttpContext context)
    {
        var names = await store.ListAsync(context.RequestAborted);

        await GatewayResponses.WriteJsonAsync(context, names, GatewayJsonContext.Default.IReadOnlyListString);
    }

    internal async Task GetAsync(HttpContext context)
    {
        var name = (string?)context.GetRouteValue("name");
        if (string.IsNullOrEmpty(name) || !Names.IsDns1123Label(name))
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound, NotFound(name));
            return;
        }

        AnswerMissingAsNotFound(context, name);
        var ns = await store.GetAsync(name, context.RequestAborted);

        if (ns is null || (name != _defaultNamespace && !ns.Labels.ContainsKey(OpenFaaSLabel)))
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound, NotFound(name));
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
        if (await GatewayResponses.RejectAsync(context, Names.NamespaceNameProblem(name)))
        {
            return;
        }

        if (await RejectLabelsAsync(context, body))
        {
            return;
        }

        await store.CreateAsync(ToNamespace(name!, body), context.RequestAborted);

        Log.Changed(logger, "Created", name!);
        GatewayResponses.Status(context, StatusCodes.Status201Created);
    }

    internal async Task UpdateAsync(HttpContext context)
    {
        if (await ReadPathTargetAsync(context) is not { } target)
        {
            return;
        }

        var (name, body) = target;
        if (await RejectLabelsAsync(context, body))
        {
            return;
        }

        AnswerMissingAsNotFound(context, name);
        await store.UpdateAsync(ToNamespace(name, body), context.RequestAborted);

        Log.Changed(logger, "Updated", name);
        GatewayResponses.Status(context, StatusCodes.Status202Accepted);
    }

    internal async Task DeleteAsync(HttpContext context)
    {
        if (await ReadPathTargetAsync(context) is not { } target)
        {
            return;
        }

        AnswerMissingAsNotFound(context, target.Name);
        await store.DeleteAsync(target.Name, context.RequestAborted);

        Log.Changed(logger, "Deleted", target.Name);
        GatewayResponses.Status(context, StatusCodes.Status202Accepted);
    }

    private static string NotFound(string? name) => $"namespace {name} not found";

    /// <summary>The store reports a missing namespace as a platform error; the route group's filter turns it into this 404.</summary>
    private static void AnswerMissingAsNotFound(HttpContext context, string name) =>
        PlatformErrorAnswer.Set(context, new(NotFoundMessage: NotFound(name)));

    /// <summary>Writes 400 when the labels or annotations would make containerd fail; true when it did.</summary>
    private static async Task<bool> RejectLabelsAsync(HttpContext context, FunctionNamespaceDto body)
    {
        if (LabelProblem(body) is not { } problem)
        {
            return false;
        }

        await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, problem);
        return true;
    }

    /// <summary>PUT and DELETE: a labelled body naming the namespace of the path; null when an error was written.</summary>
    private async Task<(string Name, FunctionNamespaceDto Body)?> ReadPathTargetAsync(HttpContext context)
    {
        var body = await ReadLabelledBodyAsync(context);
        var name = body is null ? null : await MatchPathAsync(context, body);
        return name is null ? null : (name, body!);
    }

    /// <summary>Reads the body and enforces the <c>openfaas=1</c> label; null when an error was written.</summary>
    private async Task<FunctionNamespaceDto?> ReadLabelledBodyAsync(HttpContext context)
    {
        var body = await bodies.ReadAsync(context, GatewayJsonContext.Default.FunctionNamespaceDto);
        if (body is null)
        {
            return null;
        }

        if (body.Labels is null || !body.Labels.TryGetValue(OpenFaaSLabel, out var value) || value != "1")
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, MissingLabel);
            return null;
        }

        return body;
    }

    /// <summary>PUT and DELETE: the body must name the namespace of the path; null when an error was written.</summary>
    private static async Task<string?> MatchPathAsync(HttpContext context, FunctionNamespaceDto body)
    {
        var pathName = (string?)context.GetRouteValue("name");
        if (await GatewayResponses.RejectAsync(context, Names.NamespaceNameProblem(pathName)))
        {
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

    /// <summary>containerd refuses empty keys, NUL and labels over 4096 bytes with an error that would surface as 500.</summary>
    private static string? LabelProblem(FunctionNamespaceDto body)
    {
        foreach (var map in new[] { body.Labels, body.Annotations })
        {
            foreach (var (key, value) in map ?? [])
            {
                if (key.Length == 0 || value is null || key.Contains('\0', StringComparison.Ordinal) || value.Contains('\0', StringComparison.Ordinal))
                {
                    return "labels and annotations need non-empty keys and string values without NUL characters";
                }

                if (key.Length + value.Length > Functions.DeploymentChecks.MaxLabelSize)
                {
                    return $"label {key[..Math.Min(key.Length, 64)]} is longer than {Functions.DeploymentChecks.MaxLabelSize} characters with its value";
                }
            }
        }

        return null;
    }

    private static FunctionNamespace ToNamespace(string name, FunctionNamespaceDto body) =>
        new(name, body.Labels ?? [], body.Annotations ?? []);

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.NamespaceChanged, Level = LogLevel.Information, Message = "{Action} namespace {Name}")] public static partial void Changed(ILogger logger, string action, string name);
    }
}
