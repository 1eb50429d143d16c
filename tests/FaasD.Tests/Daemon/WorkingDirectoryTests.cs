using System.Net;
using System.Net.Sockets;
using FaasD.TestSupport;
using NUnit.Framework;

namespace FaasD.Tests.Daemon;

/// <summary>
/// `faasd up` takes its settings from its flags (and FAASD_* variables) only. The ASP.NET Core slim builder it used
/// to start from also read appsettings.json from the working directory, let a Kestrel section there open listeners
/// the flags never asked for, and watched the whole working tree for changes: one inotify watch per directory
/// (1391 from a source checkout; `faasd up` run by hand from / would walk the whole filesystem).
/// </summary>
[Integration]
[NonParallelizable]
internal sealed class WorkingDirectoryTests
{
    [Test]
    public async Task The_daemon_neither_reads_nor_watches_its_working_directory()
    {
        TestEnvironment.RequireContainerd();
        var workingDirectory = Directory.CreateTempSubdirectory("faasd-cwd-").FullName;
        try
        {
            for (var i = 0; i < 20; i++)
            {
                Directory.CreateDirectory(Path.Combine(workingDirectory, $"tree{i}", "leaf"));
            }

            var strayPort = DaemonProcess.FreePort();
            await File.WriteAllTextAsync(Path.Combine(workingDirectory, "appsettings.json"),
                $$"""{ "Kestrel": { "Endpoints": { "stray": { "Url": "http://127.0.0.1:{{strayPort}}" } } } }""");
            await using var daemon = new DaemonProcess(new DaemonProcessOptions
            {
                WorkingDirectory = workingDirectory,
                ExtraEnv = new Dictionary<string, string> { ["FAASD_NETNS_POOL_SIZE"] = "0" },
            });
            await daemon.StartAsync();

            var pid = daemon.Pid ?? throw new AssertionException($"the daemon exited: {daemon.Output}");
            Assert.Multiple(() =>
            {
                Assert.That(InotifyWatches(pid), Is.Zero, "no file watches on the working tree (or anywhere)");
                Assert.That(Listens(strayPort), Is.False, "appsettings.json in the working directory opened no listener");
            });
        }
        finally
        {
            Directory.Delete(workingDirectory, recursive: true);
        }
    }

    /// <summary>Watches held by all of the process's inotify descriptors (one `inotify wd:` line each in fdinfo).</summary>
    private static int InotifyWatches(int pid) =>
        Directory.EnumerateFiles($"/proc/{pid}/fdinfo")
            .Sum(fd =>
            {
                try
                {
                    return File.ReadLines(fd).Count(line => line.StartsWith("inotify wd:", StringComparison.Ordinal));
                }
                catch (FileNotFoundException)
                {
                    return 0;   // a descriptor closed between listing and reading; any other error fails the test
                }
            });

    private static bool Listens(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
