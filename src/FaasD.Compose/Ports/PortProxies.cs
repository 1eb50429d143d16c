namespace FaasD.Compose.Ports;

/// <summary>The listeners for every published port of a project; a port that cannot be bound is logged and skipped.</summary>
internal sealed partial class PortProxies(Func<string, IPAddress?> resolve, int bufferSize, ILogger<PortProxies> logger) : IAsyncDisposable
{
    private readonly List<PortForwarder> _forwarders = [];

    public int Count => _forwarders.Count;

    public async Task StartAsync(ComposeProject project)
    {
        ArgumentNullException.ThrowIfNull(project);
        foreach (var service in project.Services)
        {
            foreach (var port in service.Ports)
            {
                var forwarder = new PortForwarder(service.Name, port, resolve, bufferSize, logger);
                try
                {
                    forwarder.Start();
                    _forwarders.Add(forwarder);
                    Log.Listening(logger, port.ToString(), service.Name);
                }
                catch (SocketException exception)
                {
                    Log.BindFailed(logger, port.ToString(), service.Name, exception.Message);
                    await forwarder.DisposeAsync();
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var forwarder in _forwarders)
        {
            await forwarder.DisposeAsync();
        }

        _forwarders.Clear();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Listening, Level = LogLevel.Information, Message = "Forwarding {Port} to service {Service}")] public static partial void Listening(ILogger logger, string port, string service);

        [LoggerMessage(EventId = LogEvents.BindFailed, Level = LogLevel.Error, Message = "Cannot publish {Port} of service {Service}: {Reason}")] public static partial void BindFailed(ILogger logger, string port, string service, string reason);
    }
}
