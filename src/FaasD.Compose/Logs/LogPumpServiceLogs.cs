using FaasD.Functions.Logs;

namespace FaasD.Compose.Logs;

/// <summary>
/// Feeds service output to the function platform's <see cref="LogPump"/>, so <c>/system/logs?name=svc&amp;namespace=openfaas</c>
/// serves it and journald sees identifier <c>openfaas:svc</c>, exactly like a function's.
/// </summary>
public sealed class LogPumpServiceLogs(LogPump pump) : IServiceLogs
{
    public void Follow(string @namespace, string service, string containerId, string rawLogPath) =>
        pump.Watch(@namespace, service, containerId, rawLogPath);
}
