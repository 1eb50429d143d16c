using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NUnit.Framework;

namespace FaasD.TestSupport.Nats;

/// <summary>
/// A private <c>nats-server</c> (Debian package) on a free 127.0.0.1 port. <see cref="StopAsync"/> and
/// <see cref="StartAsync"/> again restart it on the same port, as a real NATS outage would look to clients.
/// </summary>
public sealed class LocalNatsServer : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _process;

    public LocalNatsServer()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public int Port { get; }

    public string Url => $"nats://127.0.0.1:{Port}";

    public static string Binary { get; } = new[] { "/usr/sbin/nats-server", "/usr/bin/nats-server" }.FirstOrDefault(File.Exists) ?? "nats-server";

    /// <summary>Fails (not skips) when nats-server is missing: it is part of the test machine (apt-get install nats-server).</summary>
    public static void Require()
    {
        if (!File.Exists(Binary))
        {
            Assert.Fail("nats-server not found: apt-get install nats-server");
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-a", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(arg);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start nats-server");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"nats-server exited with {_process.ExitCode}: {Output}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }

        throw new TimeoutException($"nats-server did not listen on {Port}: {Output}");
    }

    /// <summary>kill -9, so clients see the connection drop without a goodbye.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public string Output { get { lock (_output) { return _output.ToString(); } } }

    public async ValueTask DisposeAsync() => await StopAsync();

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
