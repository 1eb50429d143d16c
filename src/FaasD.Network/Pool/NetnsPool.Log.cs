namespace FaasD.Network.Pool;

internal sealed partial class NetnsPool
{
    [LoggerMessage(EventId = LogEvents.PoolRecovered, Level = LogLevel.Information, Message = "Network namespace pool: {Count} entries with prefix {Prefix} recovered")] private partial void LogRecovered(int count, string prefix);

    [LoggerMessage(EventId = LogEvents.PoolRecoveryFailed, Level = LogLevel.Warning, Message = "Network namespace pool recovery failed; retrying in {Delay}")] private partial void LogRecoveryFailed(Exception exception, TimeSpan delay);

    [LoggerMessage(EventId = LogEvents.PoolEntryAdded, Level = LogLevel.Debug, Message = "Network namespace pool: {PoolId} ready ({Ready}/{Size})")] private partial void LogAdded(string poolId, int ready, int size);

    [LoggerMessage(EventId = LogEvents.PoolRefillFailed, Level = LogLevel.Warning, Message = "Network namespace pool refill failed; retrying in {Delay}")] private partial void LogRefillFailed(Exception exception, TimeSpan delay);

    [LoggerMessage(EventId = LogEvents.PoolEntryReleased, Level = LogLevel.Debug, Message = "Network namespace pool: released {PoolId}")] private partial void LogReleased(string poolId);

    [LoggerMessage(EventId = LogEvents.PoolReleaseFailed, Level = LogLevel.Warning, Message = "Network namespace pool: releasing {PoolId} failed; the next start releases it")] private partial void LogReleaseFailed(Exception exception, string poolId);

    [LoggerMessage(EventId = LogEvents.PoolStopped, Level = LogLevel.Information, Message = "Network namespace pool stopped; {Count} unused entries released")] private partial void LogStopped(int count);
}
