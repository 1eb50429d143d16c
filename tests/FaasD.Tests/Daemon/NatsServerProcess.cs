using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NUnit.Framework;

namespace FaasD.Tests.Daemon;

/// <summary>A private <c>nats-server -js</c> (Debian's package) on a free 127.0.0.1 port with its own store directory.</summary>
internal sealed class NatsServerProcess : IAsyncDisposable
{
    /// <summary>Where Debian's nats-server package puts it (or FAASD_TEST_NATS_SERVER).</summary>
    public static string Binary { get; } = Environment.GetEnvironmentVariable("FAASD_TEST_NATS_SERVER") is { Length: > 0 } path
        ? path
        : new[] { "/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server" }.FirstOrDefault(File.Exists) ?? "/usr/sbin/nats-server";

    private Process? _process;

    public NatsServerProcess()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        StoreDir = Directory.CreateTempSubdirectory("faasd-nats-").FullName;
    }

    public int Port { get; }

    public string StoreDir { get; }

    public string Url => $"nats://127.0.0.1:{Port}";

    public async Task StartAsync()
    {
        if (!File.Exists(Binary))
        {
            Assert.Ignore($"{Binary} is not installed (apt-get install nats-server)");
        }

        var info = new ProcessStartInfo(Binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-js", "-a", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-sd", StoreDir })
        {
            info.ArgumentList.Add(arg);
        }

        _process = Process.Start(info)!;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException("nats-server did not listen within 20 s");
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        Directory.Delete(StoreDir, recursive: true);
    }
}
