using System.Diagnostics;
using NUnit.Framework;

namespace FaasD.Tests.Systemd;

/// <summary>A throwaway dbus-daemon on a socket in a temp directory, so the client is tested against the real thing.</summary>
internal sealed class PrivateDBusDaemon : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private bool _disposed;

    private PrivateDBusDaemon(Process process, string directory)
    {
        _process = process;
        _directory = directory;
    }

    public string SocketPath => Path.Combine(_directory, "bus");

    public static async Task<PrivateDBusDaemon> StartAsync(CancellationToken cancellationToken)
    {
        const string binary = "/usr/bin/dbus-daemon";
        if (!File.Exists(binary))
        {
            Assert.Ignore("skipped: dbus-daemon is not installed (apt-get install dbus)");
        }

        var directory = Directory.CreateTempSubdirectory("faasd-dbus-").FullName;
        var socket = Path.Combine(directory, "bus");
        var process = Process.Start(new ProcessStartInfo(binary, ["--session", "--nofork", "--nopidfile", $"--address=unix:path={socket}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var daemon = new PrivateDBusDaemon(process, directory);
        for (var i = 0; i < 100 && !File.Exists(socket); i++)
        {
            await Task.Delay(50, cancellationToken);
        }

        if (!File.Exists(socket))
        {
            await daemon.DisposeAsync();
            Assert.Fail($"dbus-daemon did not create {socket}: {await process.StandardError.ReadToEndAsync(cancellationToken)}");
        }

        return daemon;
    }

    public async ValueTask DisposeAsync()
    {
        // A test may stop the daemon early to cut its clients off; teardown then finds it gone.
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
