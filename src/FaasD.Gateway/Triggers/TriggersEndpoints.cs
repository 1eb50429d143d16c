namespace FaasD.Gateway.Triggers;

/// <summary>
/// <c>GET /system/triggers</c> (auth): every cron schedule with its next run and every NATS subscription, as JSON.
/// Mapped only when the host registered an <see cref="ITriggerCatalog"/>.
/// </summary>
internal static class TriggersEndpoints
{
    /// <param name="system">The authenticated <c>/system</c> route group.</param>
    public static void Map(IEndpointRouteBuilder system, ITriggerCatalog catalog)
    {
        RequestDelegate list = context =>
            GatewayResponses.WriteJsonAsync(context, catalog.List(), TriggersJsonContext.Default.IReadOnlyListTriggerDescription);
        system.MapGet("/triggers", list);
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IReadOnlyList<TriggerDescription>))]
internal sealed partial class TriggersJsonContext : JsonSerializerContext;
