namespace FaasD.Network;

internal sealed partial class CniNetworkManager
{
    [LoggerMessage(EventId = LogEvents.LogAttached, Level = LogLevel.Information, Message = "Attached {Id}: {Address} in {NetnsPath}")] private partial void LogAttached(string id, string address, string netnsPath);

    [LoggerMessage(EventId = LogEvents.LogDetached, Level = LogLevel.Information, Message = "Detached {Id}")] private partial void LogDetached(string id);

    [LoggerMessage(EventId = LogEvents.LogAttachFailed, Level = LogLevel.Warning, Message = "Attach of {Id} failed; rolling back")] private partial void LogAttachFailed(Exception exception, string id);

    [LoggerMessage(EventId = LogEvents.LogRollBackFailed, Level = LogLevel.Error, Message = "Rolling back the attach of {Id} failed; detach it again to release what remains")] private partial void LogRollBackFailed(Exception exception, string id);

    [LoggerMessage(EventId = LogEvents.LogReleasingLeftover, Level = LogLevel.Information, Message = "Attachment of {Id} is stale (netns gone) or was never finished; releasing it")] private partial void LogReleasingLeftover(string id);

    [LoggerMessage(EventId = LogEvents.LogLeftoverReleaseFailed, Level = LogLevel.Warning, Message = "Releasing the leftover attachment of {Id} failed; its record is kept for a later retry")] private partial void LogLeftoverReleaseFailed(Exception exception, string id);

    [LoggerMessage(EventId = LogEvents.LogUsingBuiltInConfig, Level = LogLevel.Warning, Message = "CNI config {Path} not found; using the built-in openfaas-cni-bridge network")] private partial void LogUsingBuiltInConfig(string path);

    [LoggerMessage(EventId = LogEvents.LogRemovedMasquerade, Level = LogLevel.Information, Message = "Removed the masquerade rules (chain {Chain}) of {ContainerId}, whose netns was gone before DEL")] private partial void LogRemovedMasquerade(string containerId, string chain);

    [LoggerMessage(EventId = LogEvents.LogMasqueradeRemovalFailed, Level = LogLevel.Warning, Message = "Could not remove the masquerade rules of {ContainerId}; the next start removes them")] private partial void LogMasqueradeRemovalFailed(Exception exception, string containerId);

    [LoggerMessage(EventId = LogEvents.LogRemovedStaleMasquerades, Level = LogLevel.Information, Message = "Removed the masquerade rules of {Count} containers of network {Network} that no attachment owns")] private partial void LogRemovedStaleMasquerades(int count, string network);

    [LoggerMessage(EventId = LogEvents.LogStaleMasqueradeSweepFailed, Level = LogLevel.Warning, Message = "Looking for masquerade rules no attachment owns failed; they stay until the next start")] private partial void LogStaleMasqueradeSweepFailed(Exception exception);

    // The pre-wired namespaces of the pool (CniNetworkManager.Pool.cs).
    [LoggerMessage(EventId = LogEvents.PoolEntryTaken, Level = LogLevel.Information, Message = "{Id} took the pre-wired network namespace {PoolId}")] private partial void LogTookPooled(string id, string poolId);

    [LoggerMessage(EventId = LogEvents.PoolConfigChanged, Level = LogLevel.Information, Message = "Pooled network namespace {PoolId} was made with another network config; releasing it")] private partial void LogPooledConfigChanged(string poolId);

    [LoggerMessage(EventId = LogEvents.PoolHandOverFailed, Level = LogLevel.Warning, Message = "Handing pooled network namespace {PoolId} to {Id} failed; attaching without the pool")] private partial void LogHandOverFailed(Exception exception, string poolId, string id);

    [LoggerMessage(EventId = LogEvents.PoolFinishHandOverFailed, Level = LogLevel.Warning, Message = "Dropping the pool's name of {PoolId} after its hand-over failed; the next start finishes it")] private partial void LogFinishHandOverFailed(Exception exception, string poolId);

    [LoggerMessage(EventId = LogEvents.PoolReleasingStale, Level = LogLevel.Information, Message = "Pooled network namespace {PoolId} is stale or unfinished; releasing it")] private partial void LogReleasingStalePooled(string poolId);

    [LoggerMessage(EventId = LogEvents.PoolFinishingHandOver, Level = LogLevel.Information, Message = "Finishing the interrupted hand-over of {PoolId} to {Id}")] private partial void LogFinishingHandOver(string poolId, string id);

    [LoggerMessage(EventId = LogEvents.PoolUndoingHandOver, Level = LogLevel.Information, Message = "Undoing the interrupted hand-over of {PoolId} to {Id}")] private partial void LogUndoingHandOver(string poolId, string id);
}
