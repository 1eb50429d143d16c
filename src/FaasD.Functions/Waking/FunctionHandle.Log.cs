namespace FaasD.Functions.Waking;

internal sealed partial class FunctionHandle
{
    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.TransitionStarted, Level = LogLevel.Debug, Message = "{Function}: {Transition} started")] public static partial void TransitionStarted(ILogger logger, FunctionKey function, TransitionKind transition);

        [LoggerMessage(EventId = LogEvents.TransitionSucceeded, Level = LogLevel.Information, Message = "{Function}: {Transition} done in {ElapsedMs:0.#} ms")] public static partial void TransitionSucceeded(ILogger logger, FunctionKey function, TransitionKind transition, double elapsedMs);

        [LoggerMessage(EventId = LogEvents.TransitionFailed, Level = LogLevel.Warning, Message = "{Function}: {Transition} failed after {ElapsedMs:0.#} ms")] public static partial void TransitionFailed(ILogger logger, FunctionKey function, TransitionKind transition, double elapsedMs, Exception exception);

        [LoggerMessage(EventId = LogEvents.TransitionTimedOut, Level = LogLevel.Warning, Message = "{Function}: {Transition} cancelled after {ElapsedMs:0.#} ms (timed out)")] public static partial void TransitionTimedOut(ILogger logger, FunctionKey function, TransitionKind transition, double elapsedMs);

        [LoggerMessage(EventId = LogEvents.WaitQueueFull, Level = LogLevel.Warning, Message = "{Function}: {MaxWaiters} requests already waiting for it to wake; answering 503")] public static partial void WaitQueueFull(ILogger logger, FunctionKey function, int maxWaiters);

        [LoggerMessage(EventId = LogEvents.ReplicaThawed, Level = LogLevel.Information, Message = "{Function}: replica {Container} thawed in {ElapsedMs:0.#} ms")] public static partial void ReplicaThawed(ILogger logger, FunctionKey function, string container, double elapsedMs);

        [LoggerMessage(EventId = LogEvents.ReplicaThawFailed, Level = LogLevel.Warning, Message = "{Function}: replica {Container} could not be thawed: {Reason}")] public static partial void ReplicaThawFailed(ILogger logger, FunctionKey function, string container, string reason);

        [LoggerMessage(EventId = LogEvents.StaleReplicaFailure, Level = LogLevel.Information, Message = "{Function}: replica {Container} was already out of rotation for a restart when this failure of its old task was reported ({Reason}); ignored")] public static partial void StaleFailureIgnored(ILogger logger, FunctionKey function, string container, string reason);

        [LoggerMessage(EventId = LogEvents.WakeTimedOut, Level = LogLevel.Warning, Message = "{Function}: did not wake within {TimeoutSeconds} s; answering 504")] public static partial void WakeTimedOut(ILogger logger, FunctionKey function, double timeoutSeconds);
    }
}
