namespace FaasD.Compose.Ports;

/// <summary>
/// One published port: listens on the host address and, for every new connection, looks up the service's
/// current IP (faasd resolves once at start-up and breaks when the service gets a new address).
/// </summary>
internal sealed partial class PortForwarder : IAsyncDisposable
{
    private static readonly TimeSpan s_connectTimeout = TimeSpan.FromSeconds(5);

    private readonly string _service;
    private readonly PublishedPort _port;
    private readonly Func<string, IPAddress?> _resolve;
    private readonly int _bufferSize;
    private readonly ILogger _logger;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Lock _connectionsGate = new();
    private Task _acceptLoop = Task.CompletedTask;

    public PortForwarder(string service, PublishedPort port, Func<string, IPAddress?> resolve, int bufferSize, ILogger logger)
    {
        _service = service;
        _port = port;
        _resolve = resolve;
        _bufferSize = bufferSize;
        _logger = logger;
        _listener = new Socket(port.HostAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
    }

    /// <summary>Binds and starts accepting; throws <see cref="SocketException"/> when the port is taken.</summary>
    public void Start()
    {
        _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Bind(new IPEndPoint(_port.HostAddress, _port.Published));
        _listener.Listen(512);
        _acceptLoop = AcceptLoopAsync(_stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        Task[] open;
        lock (_connectionsGate)
        {
            open = [_acceptLoop, .. _connections];
        }

        await Task.WhenAll(open.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException exception)
            {
                Log.AcceptFailed(_logger, _port.ToString(), exception);
                continue;
            }

            var connection = ForwardAsync(client, cancellationToken);
            lock (_connectionsGate)
            {
                _connections.RemoveAll(t => t.IsCompleted);
                _connections.Add(connection);
            }
        }
    }

    private async Task ForwardAsync(Socket client, CancellationToken cancellationToken)
    {
        using var _ = client;
        var address = _resolve(_service);
        if (address is null)
        {
            Log.ServiceNotRunning(_logger, _port.ToString(), _service);
            return;
        }

        using var upstream = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                connectTimeout.CancelAfter(s_connectTimeout);
                await upstream.ConnectAsync(new IPEndPoint(address, _port.Target), connectTimeout.Token);
            }

            client.NoDelay = true;
            await TcpRelay.RunAsync(client, upstream, _bufferSize, cancellationToken);
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException)
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                Log.ConnectFailed(_logger, _port.ToString(), _service, address.ToString(), exception.Message);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.AcceptFailed, Level = LogLevel.Warning, Message = "Port {Port}: accept failed")] public static partial void AcceptFailed(ILogger logger, string port, Exception exception);

        [LoggerMessage(EventId = LogEvents.ServiceNotRunning, Level = LogLevel.Warning, Message = "Port {Port}: service {Service} is not running, connection closed")] public static partial void ServiceNotRunning(ILogger logger, string port, string service);

        [LoggerMessage(EventId = LogEvents.ConnectFailed, Level = LogLevel.Warning, Message = "Port {Port}: cannot reach service {Service} at {Address}: {Reason}")] public static partial void ConnectFailed(ILogger logger, string port, string service, string address, string reason);
    }
}
