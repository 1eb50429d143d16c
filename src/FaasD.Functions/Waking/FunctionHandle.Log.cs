using Microsoft.Extensions.Logging;

namespace FaasD.Functions.Waking;

internal sealed partial class FunctionHandle
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 4101, Level = LogLevel.Debug, Message = "{Function}: {Transition} started")]
        public static partial void TransitionStarted(ILogger logger, FunctionKey function, TransitionKind transition);

        [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "{Function}: {Transition} done in {ElapsedMs:0.#} ms")]
        public static partial void TransitionSucceeded(ILogger logger, FunctionKey function, TransitionKind transition, double elapsedMs);

        [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "{Function}: {Transition} failed after {ElapsedMs:0.#} ms")]
        public static partial void TransitionFailed(ILogger logger, FunctionKey function, TransitionKind transition, double elapsedMs, Exception exception);

        [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "{Function}: {Transition} cancelled after {ElapsedMs:0.#} ms (timed out)")]
        public static partial void TransitionTimedOut(ILogger logger, FunctionKey function, TransitionKind transition, double elapsedMs);

        [LoggerMessage(EventId = 4105, Level = LogLevel.Warning, Message = "{Function}: {MaxWaiters} requests already waiting for it to wake; answering 503")]
        public static partial void WaitQueueFull(ILogger logger, FunctionKey function, int maxWaiters);

        [LoggerMessage(EventId = 4106, Level = LogLevel.Warning, Message = "{Function}: did not wake within {TimeoutSeconds} s; answering 504")]
        public static partial void WakeTimedOut(ILogger logger, FunctionKey function, double timeoutSeconds);
    }
}
