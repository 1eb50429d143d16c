using System.Diagnostics;
using FaasD.Containerd;
using FaasD.TestSupport;
using FaasD.TestSupport.Images;
using NUnit.Framework;
using NamespacesApi = FaasD.Containerd.Api.Namespaces;

namespace FaasD.Tests.Commands;

/// <summary>`faasd image pull|import|ls` as an operator runs them: exit codes and one-line errors.</summary>
[Integration]
internal sealed class ImageCommandTests
{
    private readonly string _namespace = "faasd-test-" + TestEnvironment.UniqueSuffix();

    [SetUp]
    public void RequireContainerd() => TestEnvironment.RequireContainerd();

    [TearDown]
    public async Task RemoveNamespace()
    {
        using var client = new ContainerdClient(new ContainerdClientOptions { SocketPath = TestEnvironment.ContainerdSocket });
        var scope = client.Namespace(_namespace);
        foreach (var image in (await scope.Images.ListAsync(new())).Images)
        {
            await scope.Images.DeleteAsync(new() { Name = image.Name, Sync = true });
        }

        var snapshots = scope.Snapshots.List(new() { Snapshotter = "overlayfs" });
        var keys = new List<string>();
        while (await snapshots.ResponseStream.MoveNext(CancellationToken.None))
        {
            keys.AddRange(snapshots.ResponseStream.Current.Info.Select(i => i.Name));
        }

        // Children before parents: a layer snapshot cannot go while one stacked on it remains.
        for (var round = 0; round < 10 && keys.Count > 0; round++)
        {
            foreach (var key in keys.ToList())
            {
                try
                {
                    await scope.Snapshots.RemoveAsync(new() { Snapshotter = "overlayfs", Key = key });
                    keys.Remove(key);
                }
                catch (FaasD.Containerd.Errors.ContainerdException)
                {
                }
            }
        }

        try
        {
            await scope.Namespaces.DeleteAsync(new NamespacesApi.DeleteNamespaceRequest { Name = _namespace });
        }
        catch (FaasD.Containerd.Errors.ContainerdException)
        {
            // Content still referenced by a lease is collected later; the namespace goes with it.
        }
    }

    [Test]
    public async Task Import_then_ls_shows_the_image()
    {
        var archive = await TestImages.BusyboxHttpdOciArchiveAsync();
        var image = await TestImages.BusyboxHttpdAsync();

        var import = await FaasdAsync("image", "import", archive, "--namespace", _namespace);
        Assert.That(import.ExitCode, Is.Zero, import.Error);
        Assert.That(import.Output, Does.Contain($"imported {image.Reference}"));

        var ls = await FaasdAsync("image", "ls", "--namespace", _namespace);
        Assert.That(ls.ExitCode, Is.Zero, ls.Error);
        Assert.That(ls.Output, Does.Contain(image.Reference));
    }

    [Test]
    public async Task Pull_reports_what_it_fetched()
    {
        var image = await TestImages.BusyboxHttpdAsync();
        var pull = await FaasdAsync("image", "pull", image.Reference, "--namespace", _namespace);
        Assert.That(pull.ExitCode, Is.Zero, pull.Error);
        Assert.That(pull.Output, Does.StartWith(image.Reference));
    }

    [Test]
    public async Task A_missing_tag_fails_with_one_line_and_exit_code_1()
    {
        var pull = await FaasdAsync("image", "pull", $"{TestEnvironment.Registry}/faasd-test/no-such-image:1", "--namespace", _namespace);
        Assert.That(pull.ExitCode, Is.EqualTo(1));
        var lines = pull.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), pull.Error);
        Assert.That(lines[0], Does.StartWith("faasd: ").And.Contain("no-such-image"));
    }

    [Test]
    public async Task A_missing_archive_fails_with_one_line()
    {
        var import = await FaasdAsync("image", "import", "/nonexistent/image.tar", "--namespace", _namespace);
        Assert.That(import.ExitCode, Is.EqualTo(1));
        Assert.That(import.Error.Trim(), Is.EqualTo("faasd: no such file: /nonexistent/image.tar"));
    }

    private static async Task<(int ExitCode, string Output, string Error)> FaasdAsync(params string[] args)
    {
        // FAASD_TEST_BINARY: a published (NativeAOT) faasd instead of the build's faasd.dll, as in DaemonProcess.
        var native = Environment.GetEnvironmentVariable("FAASD_TEST_BINARY") is { Length: > 0 } binary ? binary : null;
        var info = new ProcessStartInfo(native ?? "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (native is null)
        {
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "faasd.dll"));
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.ArgumentList.Add("--containerd-socket");
        info.ArgumentList.Add(TestEnvironment.ContainerdSocket);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }
}
