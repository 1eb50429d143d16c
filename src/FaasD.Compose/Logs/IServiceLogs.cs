namespace FaasD.Compose.Logs;

/// <summary>Where a service's output goes: the same capture and journald path as functions.</summary>
public interface IServiceLogs
{
    /// <summary>Starts following the raw output file of the service's container (idempotent).</summary>
    void Follow(string @namespace, string service, string containerId, string rawLogPath);
}
