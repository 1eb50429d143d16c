using System.Diagnostics;
using System.Net.Sockets;
using FaasD.TestSupport;

namespace FaasD.Containerd.Tests.Integration.Support;

/// <summary>
/// A containerd of our own (own root, state, socket and config; CRI off) that a test may kill and restart without
/// disturbing the shared daemon other tests use. Modelled on containerd's integration/client/daemon.go.
/// </summary>
internal sealed class PrivateContainerd : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(20);

    private readonly string _directory;
    private Process? _process;

    private PrivateContainerd(string directory)
    {
        _directory = directory;
        SocketPath = Path.Combine(directory, "containerd.sock");
    }

    public string SocketPath { get; }

    /// <summary>containerd's root directory (content and snapshots): where a daemon's image GC measures disk use.</summary>
    public string RootPath => Path.Combine(_directory, "root");

    private string ConfigPath => Path.Combine(_directory, "config.toml");

    private string LogPath => Path.Combine(_directory, "containerd.log");

    public static async Task<PrivateContainerd> StartAsync(CancellationToken cancellationToken)
    {
        // Short path: unix socket paths are limited to 108 bytes.
        var directory = Path.Combine(Path.GetTempPath(), $"faasd-ctd-{TestEnvironment.UniqueSuffix()}");
        Directory.CreateDirectory(directory);
        var daemon = new PrivateContainerd(directory);
        await File.WriteAllTextAsync(daemon.ConfigPath, daemon.Config(), cancellationToken);
        await daemon.StartAgainAsync(cancellationToken);
        return daemon;
    }

    /// <summary>Starts the daemon on the same root, state and socket, and waits until it accepts connections.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken)
    {
        // Through a shell so output goes straight to the log file and no pipe can fill up and stall the daemon.
        var start = new ProcessStartInfo("/bin/sh")
        {
            ArgumentList = { "-c", $"exec containerd --config '{ConfigPath}' >> '{LogPath}' 2>&1" },
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start containerd");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_startTimeout);
        while (!await AcceptsConnectionsAsync(timeout.Token))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"private containerd exited with {_process.ExitCode}: {await ReadLogAsync()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), timeout.Token);
        }
    }

    /// <summary>SIGKILL, as a crash would: no clean shutdown, the socket file stays behind.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A busy leftover in /tmp is harmless; the next run uses a new directory.
        }
    }

    private async Task<string> ReadLogAsync() =>
        File.Exists(LogPath) ? await File.ReadAllTextAsync(LogPath) : "(no log)";

    private async Task<bool> AcceptsConnectionsAsync(CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private string Config() => $"""
        version = 2
        root = "{RootPath}"
        state = "{Path.Combine(_directory, "state")}"
        disabled_plugins = ["io.containerd.grpc.v1.cri"]

        [grpc]
          address = "{SocketPath}"

        [ttrpc]
          address = "{SocketPath}.ttrpc"
        """;
}
