namespace FaasD.Gateway.Secrets;

/// <summary>
/// <c>/system/secrets</c> with faasd's semantics (contract §9): values are never returned, POST and PUT both
/// create or overwrite (never 409, never 404). Where faasd answers 500 for the caller's mistakes (a body that is
/// not JSON, deleting a missing secret) FaasD answers 400 and 404: a 5xx would say the server failed.
/// </summary>
internal sealed partial class SecretsEndpoints(
    ISecretStore store,
    NamespaceResolver namespaces,
    SystemRequestBody bodies,
    ILogger<SecretsEndpoints> logger) : ISystemEndpoints
{
    /// <summary>Maps onto the authenticated <c>/system</c> group (auth and platform errors are its filters).</summary>
    public void Map(IEndpointRouteBuilder system) =>
        system.MapResource("/secrets", get: ListAsync, post: WriteAsync, put: WriteAsync, delete: DeleteAsync);

    internal Task ListAsync(HttpContext context) =>
        namespaces.WriteListAsync(
            context,
            async ns => (await store.ListAsync(ns, context.RequestAborted)).Select(name => new SecretDto { Name = name, Namespace = ns }).ToList(),
            GatewayJsonContext.Default.ListSecretDto);

    internal async Task WriteAsync(HttpContext context)
    {
        if (await ReadTargetAsync(context) is not (var secret, var ns))
        {
            return;
        }

        // rawValue (base64 bytes) wins over value when non-empty.
        ReadOnlyMemory<byte> value = secret.RawValue is { Length: > 0 } raw ? raw : Encoding.UTF8.GetBytes(secret.Value ?? "");
        await store.WriteAsync(ns, secret.Name!, value, context.RequestAborted);

        Log.Written(logger, secret.Name!, ns);
        GatewayResponses.Status(context, StatusCodes.Status200OK);
    }

    internal async Task DeleteAsync(HttpContext context)
    {
        if (await ReadTargetAsync(context) is not (var secret, var ns))
        {
            return;
        }

        // faasd answers a missing secret with 500 and the OS error; it is the caller's mistake, so 404 here
        // (faas-cli reports any non-2xx as an error either way).
        PlatformErrorAnswer.Set(context, new(NotFoundMessage: $"secret {secret.Name}.{ns} not found"));
        await store.RemoveAsync(ns, secret.Name!, context.RequestAborted);

        Log.Removed(logger, secret.Name!, ns);
        GatewayResponses.Status(context, StatusCodes.Status200OK);
    }

    /// <summary>
    /// Write and delete take the same body and check it the same way (JSON, a valid name, a namespace that exists);
    /// null when an error answer was written.
    /// </summary>
    private Task<(SecretDto Secret, string Namespace)?> ReadTargetAsync(HttpContext context) =>
        bodies.ReadTargetAsync(context, GatewayJsonContext.Default.SecretDto, secret => Names.SecretNameProblem(secret.Name), secret => secret.Namespace);

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.SecretWritten, Level = LogLevel.Information, Message = "Wrote secret {Name} in {Namespace}")] public static partial void Written(ILogger logger, string name, string @namespace);

        [LoggerMessage(EventId = LogEvents.SecretRemoved, Level = LogLevel.Information, Message = "Removed secret {Name} from {Namespace}")] public static partial void Removed(ILogger logger, string name, string @namespace);
    }
}
