namespace FaasD.Watchdog.Diagnostics;

/// <summary>The watchdog's own log events; ids are stable so log searches keep working across releases.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Watchdog mode {Mode} listening on port {Port}, fprocess: {Command}")] public static partial void Started(ILogger logger, string mode, int port, string command);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "SIGTERM: health now 503, waiting healthcheck_interval {Interval} before draining for up to {WriteTimeout}")] public static partial void DrainStarted(ILogger logger, TimeSpan interval, TimeSpan writeTimeout);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Could not start function process: {Reason}")] public static partial void StartFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Function exited with status {ExitCode} after {Elapsed}")] public static partial void FunctionFailed(ILogger logger, int exitCode, TimeSpan elapsed);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Function killed: exec_timeout {ExecTimeout} exceeded")] public static partial void ExecTimeout(ILogger logger, TimeSpan execTimeout);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Request body could not be read within read_timeout {ReadTimeout}")] public static partial void RequestBodyFailed(ILogger logger, TimeSpan readTimeout);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Forked upstream process {Pid}: {Command}")] public static partial void UpstreamStarted(ILogger logger, int pid, string command);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "Upstream {Url} accepts connections after {Elapsed}")] public static partial void UpstreamReady(ILogger logger, Uri url, TimeSpan elapsed);

    [LoggerMessage(EventId = 9, Level = LogLevel.Error, Message = "Upstream process {Pid} exited with status {ExitCode}; restarting in {Delay}")] public static partial void UpstreamExited(ILogger logger, int pid, int exitCode, TimeSpan delay);

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "Upstream HTTP request error: {Reason}")] public static partial void UpstreamRequestFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Function failed after its response had started; connection aborted so the client sees a truncated response")] public static partial void StreamAborted(ILogger logger);

    [LoggerMessage(EventId = 12, Level = LogLevel.Debug, Message = "Function output: {Output}")] public static partial void DebugOutput(ILogger logger, string output);

    [LoggerMessage(EventId = 13, Level = LogLevel.Information, Message = "Drained; exiting")] public static partial void Stopped(ILogger logger);
}
