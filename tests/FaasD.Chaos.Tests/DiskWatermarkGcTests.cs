using System.Diagnostics;
using System.Net;
using FaasD.Chaos.Tests.Support;
using FaasD.Containerd;
using FaasD.TestSupport;
using FaasD.TestSupport.Images;
using FaasD.Tests.Daemon;
using NUnit.Framework;

namespace FaasD.Chaos.Tests;

/// <summary>
/// Issue 11: the disk-watermark image GC in a real daemon on a real containerd. The thresholds (1 %) put any real
/// disk above the high watermark, so every round prunes the unused images of FaasD's namespaces, least recently
/// pulled first. The daemon runs on a containerd of its own (<see cref="ChaosHost"/>): watermark GC covers every
/// FaasD namespace (openfaas-fn, openfaas and every namespace labelled openfaas), which on the shared test
/// containerd would be other tests' images, so it must not run there.
/// </summary>
[Integration]
[NonParallelizable]
internal sealed class DiskWatermarkGcTests
{
    private const string Functions = "openfaas-fn";

    /// <summary>Older than this an unused image may go. Not 0: a deploy pulls its image before it creates its container, and a round in between must not take it.</summary>
    private static readonly TimeSpan MinAge = TimeSpan.FromSeconds(10);

    /// <summary>A round runs every 30 s: the image's age passes <see cref="MinAge"/>, then at most one round, plus slack.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(100);

    [Test]
    public async Task Above_the_high_watermark_unused_images_go_with_their_content_and_snapshots_while_the_image_in_use_serves()
    {
        await using var host = await ChaosHost.StartAsync(
            ["--image-gc-high-threshold", "1", "--image-gc-low-threshold", "1", "--image-gc-min-age", $"{MinAge.TotalSeconds}s"],
            imageGc: true);
        using var client = new ContainerdClient(new ContainerdClientOptions { SocketPath = host.Containerd.SocketPath });
        var fn = client.Namespace(Functions);
        var bystanderNamespace = "gc-bystander-" + host.Prefix;
        var bystanders = client.Namespace(bystanderNamespace);

        // Images of their own (a marker file makes each digest unique), built and pushed to the test registry.
        var kept = await MarkedImageAsync("kept", host.Prefix);
        var removedFunction = await MarkedImageAsync("removed", host.Prefix);
        var neverRun = await MarkedImageAsync("never-run", host.Prefix);
        var bystander = await MarkedImageAsync("bystander", host.Prefix);
        var keptName = host.Prefix + "-kept";
        var removedName = host.Prefix + "-removed";

        try
        {
            await DeployAsync(host, keptName, kept);
            await ServesAsync(host, keptName);
            var baseline = await StoreAsync(fn);

            await DeployAsync(host, removedName, removedFunction);
            await ServesAsync(host, removedName);
            await PullAsync(host, neverRun, Functions);
            await PullAsync(host, bystander, bystanderNamespace);
            Assert.That(await ImagesAsync(fn), Is.SupersetOf(new[] { kept.Reference, removedFunction.Reference, neverRun.Reference }));

            // 1. An unused image that never had a container: no container was deleted on this containerd yet, so
            // only the watermark round can take it (the other trigger is a container delete in the namespace).
            var neverRunGone = await Poll.UntilAsync(async () => !(await ImagesAsync(fn)).Contains(neverRun.Reference), Deadline);
            var afterWatermark = await ImagesAsync(fn);
            var log = GcLog(host);
            Assert.Multiple(() =>
            {
                Assert.That(neverRunGone, Is.True, $"the unused image is still there {Deadline.TotalSeconds} s after its pull; GC log:\n{log}");
                Assert.That(log, Does.Match(@"Image GC \(""?disk [0-9.]+ % full""?\): removed [1-9]"), "a watermark round removed it");
                Assert.That(log, Does.Not.Contain("containers were deleted"), "and no delete-triggered round ran");
                Assert.That(afterWatermark, Is.SupersetOf(new[] { kept.Reference, removedFunction.Reference }), "images in use stay");
            });
            await ServesAsync(host, removedName);

            // 2. The image of a removed function (either trigger may take it now; the watermark keeps asking).
            await RemoveAsync(host, removedName, HttpStatusCode.OK);
            var removedGone = await Poll.UntilAsync(async () => !(await ImagesAsync(fn)).Contains(removedFunction.Reference), Deadline);
            TestContext.Out.WriteLine(GcLog(host));
            var after = await StoreAsync(fn);
            var others = await ImagesAsync(bystanders);
            Assert.Multiple(() =>
            {
                Assert.That(removedGone, Is.True, $"the removed function's image is still there {Deadline.TotalSeconds} s later; GC log:\n{GcLog(host)}");
                Assert.That(after.Images, Is.EqualTo(new[] { kept.Reference }), "only the image in use is left");
                Assert.That(after.Blobs, Is.EquivalentTo(baseline.Blobs), "the content of both unused images is gone, none of the kept one's");
                Assert.That(after.Snapshots, Is.EquivalentTo(baseline.Snapshots), "so are their snapshots; the kept function's are intact");
                Assert.That(others, Is.EqualTo(new[] { bystander.Reference }), "a namespace that is not FaasD's is never touched");
                Assert.That(host.Daemon.Pid, Is.Not.Null, "the daemon is up:\n" + ChaosHost.Tail(host.Daemon.Output));
            });
            await ServesAsync(host, keptName);
        }
        finally
        {
            // Through the API, so the tasks, netns and IPs go before the private containerd is killed.
            await RemoveAsync(host, keptName, null);
            await RemoveAsync(host, removedName, null);
        }
    }

    private static async Task RemoveAsync(ChaosHost host, string name, HttpStatusCode? expected)
    {
        using var api = host.Daemon.Client(TimeSpan.FromMinutes(2));
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/system/functions") { Content = ChaosHost.Json($$"""{"functionName":"{{name}}"}""") };
        using var response = await api.SendAsync(request);
        if (expected is { } status)
        {
            Assert.That(response.StatusCode, Is.EqualTo(status), await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>A busybox httpd image of its own: the marker file makes its digest unique to this run.</summary>
    private static Task<TestImage> MarkedImageAsync(string marker, string prefix) => TestImages.BuildAndPushAsync(
        "wm-" + marker, BusyboxHttpd.Contents().AddFile("/gc-marker", marker + " " + prefix), BusyboxHttpd.Config);

    private static async Task DeployAsync(ChaosHost host, string name, TestImage image)
    {
        using var api = host.Daemon.Client(TimeSpan.FromMinutes(2));
        using var response = await api.PostAsync("/system/functions", ChaosHost.Json($$"""{"service":"{{name}}","image":"{{image.Reference}}"}"""));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    private static async Task ServesAsync(ChaosHost host, string name)
    {
        using var http = new HttpClient { BaseAddress = host.Daemon.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.GetAsync(new Uri($"/function/{name}/", UriKind.Relative));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{name}: {await response.Content.ReadAsStringAsync()}");
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo(BusyboxHttpd.IndexText));
    }

    /// <summary>The real `faasd image pull` into <paramref name="namespace"/> of the host's containerd: an image with no container.</summary>
    private static async Task PullAsync(ChaosHost host, TestImage image, string @namespace)
    {
        var info = DaemonProcess.CommandStartInfo();
        foreach (var arg in new[] { "image", "pull", image.Reference, "--namespace", @namespace, "--containerd-socket", host.Containerd.SocketPath })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.Zero, $"faasd image pull: {await output}{await error}");
    }

    private static string GcLog(ChaosHost host) =>
        string.Join('\n', host.Daemon.Output.Split('\n').Where(l => l.Contains("image", StringComparison.OrdinalIgnoreCase)));

    private static async Task<List<string>> ImagesAsync(ContainerdScope scope) =>
        [.. (await scope.Images.ListAsync(new())).Images.Select(i => i.Name).Order(StringComparer.Ordinal)];

    /// <summary>Image names, content digests and snapshot names of a namespace.</summary>
    private static async Task<(List<string> Images, List<string> Blobs, List<string> Snapshots)> StoreAsync(ContainerdScope scope)
    {
        var blobs = new List<string>();
        using (var content = scope.Content.List(new()))
        {
            while (await content.ResponseStream.MoveNext(CancellationToken.None))
            {
                blobs.AddRange(content.ResponseStream.Current.Info.Select(i => i.Digest));
            }
        }

        var snapshots = new List<string>();
        using (var list = scope.Snapshots.List(new() { Snapshotter = "overlayfs" }))
        {
            while (await list.ResponseStream.MoveNext(CancellationToken.None))
            {
                snapshots.AddRange(list.ResponseStream.Current.Info.Select(i => i.Name));
            }
        }

        return (await ImagesAsync(scope), blobs, snapshots);
    }
}
