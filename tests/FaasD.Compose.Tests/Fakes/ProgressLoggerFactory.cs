using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace FaasD.Compose.Tests.Fakes;

/// <summary>Writes log lines to the test's progress output, so a failing integration test shows what the daemon said.</summary>
internal sealed class ProgressLoggerFactory : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new ProgressLogger(categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class ProgressLogger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var error = exception is null ? "" : $" [{exception.GetType().Name}: {exception.Message}]";
            TestContext.Progress.WriteLine($"{logLevel,-11} {category}: {formatter(state, exception)}{error}");
        }
    }
}
