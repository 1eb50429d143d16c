using Microsoft.Extensions.Logging;

namespace FaasD.Network.Tests;

/// <summary>Keeps every formatted message the manager logs.</summary>
internal sealed class RecordingLogger : ILogger<CniNetworkManager>
{
    public List<string> Messages { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Messages.Add(formatter(state, exception));
}
