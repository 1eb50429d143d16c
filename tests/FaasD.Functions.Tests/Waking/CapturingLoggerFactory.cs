using System.Collections.Concurrent;
using FaasD.Functions.Scaling;
using FaasD.Functions.Waking;
using Microsoft.Extensions.Logging;

namespace FaasD.Functions.Tests.Waking;

/// <summary>Keeps every log entry so tests can check what was reported.</summary>
internal sealed class CapturingLoggerFactory : ILoggerFactory
{
    private readonly ConcurrentQueue<(LogLevel Level, EventId Id, string Message, Exception? Exception)> _entries = new();

    public IReadOnlyCollection<(LogLevel Level, EventId Id, string Message, Exception? Exception)> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(_entries);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<(LogLevel, EventId, string, Exception?)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue((logLevel, eventId, formatter(state, exception), exception));
    }
}
