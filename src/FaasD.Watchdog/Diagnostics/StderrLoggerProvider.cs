namespace FaasD.Watchdog.Diagnostics;

/// <summary>
/// One line per event on stderr. The console logger package does the same with options binding, queues and
/// formatters that cost size in a NativeAOT binary copied into every image; the watchdog logs a few lines per
/// request at most, so a direct, synchronous write is enough.
/// </summary>
internal sealed class StderrLoggerProvider(TextWriter target, TimeProvider time) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new StderrLogger(target, time, ShortName(categoryName));

    public void Dispose()
    {
    }

    private static string ShortName(string category) => category[(category.LastIndexOf('.') + 1)..];

    private sealed class StderrLogger(TextWriter target, TimeProvider time, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = string.Create(
                CultureInfo.InvariantCulture,
                $"{time.GetUtcNow():yyyy/MM/dd HH:mm:ss} {Level(logLevel)} {category}[{eventId.Id}]: {formatter(state, exception)}");
            if (exception is not null)
            {
                line += Environment.NewLine + exception;
            }

            // TextWriter from Console is synchronized; one call per event keeps lines whole.
            target.WriteLine(line);
        }

        private static string Level(LogLevel level) => level switch
        {
            LogLevel.Trace => "trace",
            LogLevel.Debug => "debug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "error",
            _ => "crit",
        };
    }
}
