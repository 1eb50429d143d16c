namespace FaasD.Gateway.Alerts;

/// <summary>
/// <c>POST /system/alert</c>: Alertmanager's webhook (openfaas-extras.md §2). Each alert names a function in its
/// <c>function_name</c> label (<c>name</c> or <c>name.namespace</c>); firing adds replicas, resolved goes back to min.
/// 200 empty; 400 for an unreadable or malformed body; 500 listing <c>[i] error</c> per failed alert.
/// </summary>
internal sealed partial class AlertEndpoints(IFunctionPlatform platform, IOptions<GatewayOptions> options, ILogger<AlertEndpoints> logger) : ISystemEndpoints
{
    private readonly long _maxBody = options.Value.MaxSystemRequestBodySize;
    private readonly string _defaultNamespace = options.Value.DefaultNamespace;

    /// <summary>Maps <c>/alert</c> on the authenticated <c>/system</c> group.</summary>
    public void Map(IEndpointRouteBuilder system) => system.MapPost("/alert", HandleAsync);

    internal async Task HandleAsync(HttpContext context)
    {
        byte[] body;
        try
        {
            body = await ReadBodyAsync(context.Request, _maxBody, context.RequestAborted);
        }
        catch (IOException)
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Unable to read alert.");
            return;
        }

        List<(string Status, string FunctionName)> alerts;
        try
        {
            alerts = Parse(body);
        }
        catch (JsonException)
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Unable to parse alert, bad format.");
            return;
        }

        var errors = new StringBuilder();
        for (var i = 0; i < alerts.Count; i++)
        {
            if (await ApplyAsync(alerts[i].Status, alerts[i].FunctionName, context.RequestAborted) is { } error)
            {
                errors.Append('[').Append(i).Append("] ").Append(error).Append('\n');
            }
        }

        if (errors.Length > 0)
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status500InternalServerError, errors.ToString().TrimEnd('\n'));
            return;
        }

        GatewayResponses.Status(context, StatusCodes.Status200OK);
    }

    private async Task<string?> ApplyAsync(string status, string functionName, CancellationToken cancellationToken)
    {
        var dot = functionName.LastIndexOf('.');
        var (name, ns) = dot > 0 ? (functionName[..dot], functionName[(dot + 1)..]) : (functionName, _defaultNamespace);
        try
        {
            var info = await platform.GetAsync(ns, name, cancellationToken);
            if (info is null)
            {
                return $"unable to find function: {name}.{ns}";
            }

            var firing = string.Equals(status, "firing", StringComparison.Ordinal);
            var (replicas, error) = AlertScaling.Next(firing, info.Replicas, info.Spec.Labels);
            if (error is not null)
            {
                return error;
            }

            if (replicas != info.Replicas)
            {
                await platform.ScaleAsync(ns, name, replicas, cancellationToken);
                LogScaled(logger, name, ns, status, info.Replicas, replicas);
            }

            return null;
        }
        catch (FunctionPlatformException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>The status and function_name of each alert; alerts without a function name are skipped.</summary>
    private static List<(string Status, string FunctionName)> Parse(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        var found = new List<(string, string)>();
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("not an object");
        }

        if (!document.RootElement.TryGetProperty("alerts", out var alerts) || alerts.ValueKind != JsonValueKind.Array)
        {
            return found;
        }

        foreach (var alert in alerts.EnumerateArray())
        {
            if (alert.ValueKind != JsonValueKind.Object)
            {
                throw new JsonException("alert is not an object");
            }

            var status = alert.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : string.Empty;
            if (alert.TryGetProperty("labels", out var labels) && labels.ValueKind == JsonValueKind.Object
                && labels.TryGetProperty("function_name", out var fn) && fn.ValueKind == JsonValueKind.String && fn.GetString() is { Length: > 0 } functionName)
            {
                found.Add((status, functionName));
            }
        }

        return found;
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new IOException("alert body too large");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    [LoggerMessage(EventId = LogEvents.AlertScaled, Level = LogLevel.Information, Message = "Alert {Status} for {Name}.{Namespace}: {From} -> {To} replicas")] private static partial void LogScaled(ILogger logger, string name, string @namespace, string status, int from, int to);
}
