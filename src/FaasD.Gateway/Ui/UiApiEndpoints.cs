namespace FaasD.Gateway.Ui;

/// <summary>
/// Two small JSON reads for the portal, behind the same basic auth as <c>/system/*</c>:
/// <c>GET /ui/api/functions?namespace=</c> (the list with state, p50 latency, memory and CPU, in one call) and
/// <c>GET /ui/api/functions/{name}/activity?namespace=</c> (the last ten minutes in ten-second intervals).
/// </summary>
internal sealed class UiApiEndpoints(IFunctionPlatform platform, NamespaceResolver namespaces, InvocationMetrics metrics, FunctionUsageSource usage)
{
    /// <summary>Maps onto the authenticated <c>/ui</c> route group.</summary>
    public void Map(IEndpointRouteBuilder ui)
    {
        RequestDelegate list = ListAsync;
        RequestDelegate activity = ActivityAsync;
        ui.MapGet("/api/functions", list);
        ui.MapGet("/api/functions/{name}/activity", activity);
    }

    /// <summary>A platform error is answered by the <c>/ui</c> group's filter, as under <c>/system</c>.</summary>
    internal Task ListAsync(HttpContext context) =>
        namespaces.WriteListAsync(context, ns => RowsAsync(ns, context.RequestAborted), UiJsonContext.Default.ListUiFunctionDto);

    private async Task<List<UiFunctionDto>> RowsAsync(string ns, CancellationToken cancellationToken)
    {
        var functions = await platform.ListAsync(ns, cancellationToken);
        var rows = new List<UiFunctionDto>(functions.Count);
        foreach (var function in functions)
        {
            var spec = function.Spec;
            var counters = metrics.Find(spec.Namespace, spec.Name);
            var used = await usage.GetAsync(spec.Namespace, spec.Name, cancellationToken);
            rows.Add(new UiFunctionDto
            {
                Name = spec.Name,
                Namespace = spec.Namespace,
                Image = spec.Image,
                State = PlatformGauges.StateName(function.State),
                Replicas = function.Replicas,
                AvailableReplicas = function.AvailableReplicas,
                Invocations = counters?.Completed ?? 0,
                Inflight = counters?.InFlight ?? 0,
                P50Ms = counters?.Recent.Median() * 1000,
                MemoryBytes = used?.TotalMemoryBytes,
                CpuMillicores = used?.CpuMillicores,
                CreatedAt = function.CreatedAt,
            });
        }

        return rows;
    }

    internal async Task ActivityAsync(HttpContext context)
    {
        if (await namespaces.ResolveRouteFunctionOrAnswerAsync(context) is not (var name, var ns))
        {
            return;
        }

        var counters = metrics.Find(ns, name);
        var activity = new UiActivityDto { SlotSeconds = RecentInvocations.SlotLength.TotalSeconds, P50Ms = counters?.Recent.Median() * 1000 };
        if (counters is not null)
        {
            foreach (var slot in counters.Recent.Slots())
            {
                activity.Slots.Add(new UiSlotDto
                {
                    Start = slot.Start,
                    Calls = slot.Calls,
                    Errors = slot.Errors,
                    MeanMs = slot.Calls == 0 ? null : slot.SecondsTotal / slot.Calls * 1000,
                });
            }
        }

        await GatewayResponses.WriteJsonAsync(context, activity, UiJsonContext.Default.UiActivityDto);
    }
}
