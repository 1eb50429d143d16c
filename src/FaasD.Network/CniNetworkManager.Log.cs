using Microsoft.Extensions.Logging;

namespace FaasD.Network;

internal sealed partial class CniNetworkManager
{
    [LoggerMessage(EventId = LogEvents.LogAttached, Level = LogLevel.Information, Message = "Attached {Id}: {Address} in {NetnsPath}")]
    private partial void LogAttached(string id, string address, string netnsPath);

    [LoggerMessage(EventId = LogEvents.LogDetached, Level = LogLevel.Information, Message = "Detached {Id}")]
    private partial void LogDetached(string id);

    [LoggerMessage(EventId = LogEvents.LogAttachFailed, Level = LogLevel.Warning, Message = "Attach of {Id} failed; rolling back")]
    private partial void LogAttachFailed(Exception exception, string id);

    [LoggerMessage(EventId = LogEvents.LogRollBackFailed, Level = LogLevel.Error, Message = "Rolling back the attach of {Id} failed; detach it again to release what remains")]
    private partial void LogRollBackFailed(Exception exception, string id);

    [LoggerMessage(EventId = LogEvents.LogReleasingLeftover, Level = LogLevel.Information, Message = "Attachment of {Id} is stale (netns gone) or was never finished; releasing it")]
    private partial void LogReleasingLeftover(string id);

    [LoggerMessage(EventId = LogEvents.LogLeftoverReleaseFailed, Level = LogLevel.Warning, Message = "Releasing the leftover attachment of {Id} failed; its record is kept for a later retry")]
    private partial void LogLeftoverReleaseFailed(Exception exception, string id);

    [LoggerMessage(EventId = LogEvents.LogUsingBuiltInConfig, Level = LogLevel.Warning, Message = "CNI config {Path} not found; using the built-in openfaas-cni-bridge network")]
    private partial void LogUsingBuiltInConfig(string path);
}
