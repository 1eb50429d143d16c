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

    [Test]
    public async Task Prune_removes_unused_images_with_their_content_and_snapshots_and_never_one_in_use()
    {
        // Issue 11 item 3. Two images: one a container uses, one nobody uses.
        var used = await TestImages.BusyboxHttpdAsync();
        var unused = await MarkedImageAsync("unused");
        await PullAllAsync(used.Reference, unused.Reference);

        using var client = new ContainerdClient(new ContainerdClientOptions { SocketPath = TestEnvironment.ContainerdSocket });
        var scope = client.Namespace(_namespace);
        var container = await CreateContainerUsingAsync(scope, used.Reference);
        try
        {
            var dry = await FaasdAsync("image", "prune", "--dry-run", "--namespace", _namespace);
            Assert.That(dry.ExitCode, Is.Zero, dry.Error);
            Assert.That(dry.Output, Does.Contain($"would remove {_namespace}/{unused.Reference}"));
            Assert.That(dry.Output, Does.Contain($"kept {_namespace}/{used.Reference} (in use)"));
            Assert.That((await scope.Images.ListAsync(new())).Images, Has.Count.EqualTo(2), "a dry run removes nothing");

            var prune = await FaasdAsync("image", "prune", "--namespace", _namespace);
            TestContext.Out.WriteLine(prune.Output);
            Assert.That(prune.ExitCode, Is.Zero, prune.Error);
            Assert.That(prune.Output, Does.Contain($"removed {_namespace}/{unused.Reference}"));
            Assert.That((await scope.Images.ListAsync(new())).Images.Select(i => i.Name), Is.EqualTo(new[] { used.Reference }), "the image in use stays");
            var afterPrune = await CountsAsync(scope);

            var refused = await FaasdAsync("image", "rm", used.Reference, "--namespace", _namespace);
            Assert.That(refused.ExitCode, Is.EqualTo(1));
            Assert.That(refused.Error, Does.Contain("is used by a container"));

            await scope.Containers.DeleteAsync(new() { Id = container.Id });
            var rm = await FaasdAsync("image", "rm", used.Reference, "--namespace", _namespace);
            TestContext.Out.WriteLine(rm.Output);
            Assert.That(rm.ExitCode, Is.Zero, rm.Error);
            var afterRm = await CountsAsync(scope);

            Assert.Multiple(() =>
            {
                Assert.That(afterPrune.Blobs, Is.GreaterThan(0), "the used image's blobs survived the prune");
                Assert.That(afterPrune.Snapshots, Is.GreaterThan(0), "and its snapshots");
                Assert.That(afterRm, Is.EqualTo((0, 0, 0)), "rm takes record, content and snapshots (containerd's sync GC)");
            });
        }
        finally
        {
            try
            {
                await scope.Containers.DeleteAsync(new() { Id = container.Id });
            }
            catch (FaasD.Containerd.Errors.ContainerdException)
            {
                // deleted by the test
            }
        }
    }

    [Test]
    public async Task A_prune_with_a_stop_condition_removes_the_least_recently_pulled_unused_image_first_and_stops()
    {
        // What the disk watermark asks for: oldest unused first, one at a time, until told to stop. The image in use
        // is pulled first (the oldest of all) and is still never a candidate.
        var used = await TestImages.BusyboxHttpdAsync();
        var older = await MarkedImageAsync("older");
        var newer = await MarkedImageAsync("newer");
        await PullAllAsync(used.Reference, older.Reference, newer.Reference);

        using var client = new ContainerdClient(new ContainerdClientOptions { SocketPath = TestEnvironment.ContainerdSocket });
        var scope = client.Namespace(_namespace);
        var container = await CreateContainerUsingAsync(scope, used.Reference);
        try
        {
            var collector = new FaasD.Images.Collection.ImageCollector(client, "overlayfs");
            var asked = 0;
            var first = await collector.PruneAsync([_namespace], new FaasD.Images.Collection.PruneOptions { StopWhen = () => asked++ >= 1 }, CancellationToken.None);
            var afterFirst = (await scope.Images.ListAsync(new())).Images.Select(i => i.Name).ToList();

            var rest = await collector.PruneAsync([_namespace], new FaasD.Images.Collection.PruneOptions(), CancellationToken.None);
            var afterRest = (await scope.Images.ListAsync(new())).Images.Select(i => i.Name).ToList();

            Assert.Multiple(() =>
            {
                Assert.That(first.Removed, Is.EqualTo(new[] { $"{_namespace}/{older.Reference}" }), "the oldest unused image, and then it stopped");
                Assert.That(afterFirst, Is.EquivalentTo(new[] { used.Reference, newer.Reference }));
                Assert.That(rest.Removed, Is.EqualTo(new[] { $"{_namespace}/{newer.Reference}" }));
                Assert.That(afterRest, Is.EqualTo(new[] { used.Reference }), "the image in use stays");
            });
        }
        finally
        {
            await scope.Containers.DeleteAsync(new() { Id = container.Id });
        }
    }

    /// <summary>A busybox image of its own: the marker file makes its digest unique to this test and namespace.</summary>
    private Task<TestImage> MarkedImageAsync(string marker) => TestImages.BuildAndPushAsync(
        "gc-" + marker, ImageContents.Busybox().AddFile("/gc-marker", marker + " " + _namespace), new TestImageConfig { Cmd = ["/bin/sh"] });

    /// <summary>Pulls with the real `faasd image pull`, in this order (the collector orders by pull time).</summary>
    private async Task PullAllAsync(params string[] references)
    {
        foreach (var image in references)
        {
            var pull = await FaasdAsync("image", "pull", image, "--namespace", _namespace);
            Assert.That(pull.ExitCode, Is.Zero, pull.Error);
        }
    }

    /// <summary>A FaasD-labelled container (no task) that keeps <paramref name="image"/> in use.</summary>
    private static async Task<FaasD.Containerd.Api.Containers.Container> CreateContainerUsingAsync(ContainerdScope scope, string image)
    {
        var container = new FaasD.Containerd.Api.Containers.Container
        {
            Id = "user-of-busybox",
            Image = image,
            Runtime = new() { Name = "io.containerd.runc.v2" },
            Spec = FaasD.Containerd.Specs.OciSpecAny.PackSpec("{}"u8),
            Labels = { [FaasD.Runtime.RuntimeLabels.Managed] = "true" },
        };
        await scope.Containers.CreateAsync(new() { Container = container });
        return container;
    }

    private static async Task<(int Images, int Blobs, int Snapshots)> CountsAsync(ContainerdScope scope)
    {
        var images = (await scope.Images.ListAsync(new())).Images.Count;
        var blobs = 0;
        using (var content = scope.Content.List(new()))
        {
            while (await content.ResponseStream.MoveNext(CancellationToken.None))
            {
                blobs += content.ResponseStream.Current.Info.Count;
            }
        }

        var snapshots = 0;
        using var list = scope.Snapshots.List(new() { Snapshotter = "overlayfs" });
        while (await list.ResponseStream.MoveNext(CancellationToken.None))
        {
            snapshots += list.ResponseStream.Current.Info.Count;
        }

        return (images, blobs, snapshots);
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
