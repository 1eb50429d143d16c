using System.Net;
using System.Net.Sockets;
using System.Text;
using FaasD.Compose.Model;
using FaasD.Compose.Ports;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;

namespace FaasD.Compose.Tests.Ports;

/// <summary>Real sockets on loopback: 127.0.0.2 and 127.0.0.3 stand in for a service's old and new IP.</summary>
public sealed class PortForwarderTests
{
    [Test]
    public async Task ResolvesTheTargetOnEveryConnection()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var target = IPAddress.Parse("127.0.0.2");
        using var oldBackend = Echo.Start(IPAddress.Parse("127.0.0.2"), "old", out var backendPort);
        using var newBackend = Echo.Start(IPAddress.Parse("127.0.0.3"), "new", backendPort);
        var published = FreePort();
        await using var proxies = new PortProxies(_ => target, 4096, NullLogger<PortProxies>.Instance);
        await proxies.StartAsync(ProjectWith(new PublishedPort(IPAddress.Loopback, published, backendPort)));

        var first = await RoundTripAsync(published, "ping", timeout.Token);
        target = IPAddress.Parse("127.0.0.3");
        var second = await RoundTripAsync(published, "ping", timeout.Token);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo("old:ping"));
            Assert.That(second, Is.EqualTo("new:ping"));
        });
    }

    [Test]
    public async Task HalfCloseLetsTheResponseFlowAfterTheRequestEnds()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var backend = Echo.Start(IPAddress.Loopback, "svc", out var backendPort);
        var published = FreePort();
        await using var proxies = new PortProxies(_ => IPAddress.Loopback, 16, NullLogger<PortProxies>.Instance);
        await proxies.StartAsync(ProjectWith(new PublishedPort(IPAddress.Loopback, published, backendPort)));

        // Larger than the buffer, so the relay has to loop; the echo answers only after seeing end-of-stream.
        var payload = new string('x', 100_000);
        Assert.That(await RoundTripAsync(published, payload, timeout.Token), Is.EqualTo("svc:" + payload));
    }

    [Test]
    public async Task NoRunningServiceClosesTheConnection()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var published = FreePort();
        await using var proxies = new PortProxies(_ => null, 4096, NullLogger<PortProxies>.Instance);
        await proxies.StartAsync(ProjectWith(new PublishedPort(IPAddress.Loopback, published, 1)));
        // The client sends nothing: a socket closed with unread bytes in its receive buffer answers with a reset
        // instead of end-of-stream, which would make this test depend on who is faster.
        Assert.That(await RoundTripAsync(published, string.Empty, timeout.Token), Is.Empty);
    }

    [Test]
    public async Task StoppingClosesTheListener()
    {
        var published = FreePort();
        var proxies = new PortProxies(_ => IPAddress.Loopback, 4096, NullLogger<PortProxies>.Instance);
        await proxies.StartAsync(ProjectWith(new PublishedPort(IPAddress.Loopback, published, 1)));
        await proxies.DisposeAsync();
        using var client = new TcpClient();
        Assert.ThrowsAsync<SocketException>(async () => await client.ConnectAsync(IPAddress.Loopback, published));
    }

    private static ComposeProject ProjectWith(PublishedPort port) =>
        new([new ServiceDefinition { Name = "svc", Image = "x", Ports = [port] }], []);

    private static async Task<string> RoundTripAsync(int port, string request, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), cancellationToken);
        client.Client.Shutdown(SocketShutdown.Send);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Reads until the client half-closes, then answers "&lt;name&gt;:&lt;everything read&gt;" and closes.</summary>
    private sealed class Echo : IDisposable
    {
        private readonly TcpListener _listener;
        private readonly CancellationTokenSource _stop = new();

        private Echo(TcpListener listener, string name)
        {
            _listener = listener;
            _ = ServeAsync(name);
        }

        public static Echo Start(IPAddress address, string name, out int port)
        {
            var echo = Start(address, name, 0);
            port = ((IPEndPoint)echo._listener.LocalEndpoint).Port;
            return echo;
        }

        public static Echo Start(IPAddress address, string name, int port)
        {
            var listener = new TcpListener(address, port);
            listener.Start();
            return new Echo(listener, name);
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _listener.Dispose();
            _stop.Dispose();
        }

        private async Task ServeAsync(string name)
        {
            try
            {
                while (true)
                {
                    using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    var stream = client.GetStream();
                    using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                    var body = await reader.ReadToEndAsync(_stop.Token);
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"{name}:{body}"), _stop.Token);
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
            {
            }
        }
    }
}
