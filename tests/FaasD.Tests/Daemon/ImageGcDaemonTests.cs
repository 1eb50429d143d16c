using System.Diagnostics;
using FaasD.Containerd;
using FaasD.TestSupport;
using FaasD.TestSupport.Images;
using NUnit.Framework;

namespace FaasD.Tests.Daemon;

/// <summary>
/// Automatic image GC in a real daemon on the test containerd (issue 11): the image a function leaves behind when it
/// is updated to another one, and its last image when it is removed, go by themselves — nobody calls prune.
/// </summary>
[Integration]
[NonParallelizable]
internal sealed class ImageGcDaemonTests : DaemonFixture
{
    /// <summary>A round runs every 30 s; a namespace with images still too young is looked at again in the next one.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    // Long enough that a concurrent test's deploy between its pull and its container create is never hit by this
    // daemon's rounds (the delete events of every daemon on the shared containerd reach it), short enough for a test.
    protected override IReadOnlyDictionary<string, string> DaemonEnvironment => new Dictionary<string, string>
    {
        ["FAASD_IMAGE_GC_MIN_AGE"] = "15s",
    };

    [Test]
    public async Task The_image_an_update_replaced_and_then_the_image_of_a_removed_function_are_collected_without_a_prune()
    {
        // Images of their own (a marker file makes each digest unique), so no other test's function keeps them in use.
        var a = await TestImages.BuildAndPushAsync("gc-a", BusyboxHttpd.Contents().AddFile("/gc-marker", "a " + Prefix), BusyboxHttpd.Config);
        var b = await TestImages.BuildAndPushAsync("gc-b", BusyboxHttpd.Contents().AddFile("/gc-marker", "b " + Prefix), BusyboxHttpd.Config);
        var name = Name("gc");
        using var client = new ContainerdClient(new ContainerdClientOptions { SocketPath = Daemon.ContainerdSocket });
        var fn = client.Namespace("openfaas-fn");

        await DeployLikeFaasCliAsync(new { service = name, image = a.Reference });
        Assert.That(await ImagesAsync(fn), Does.Contain(a.Reference), "the deploy pulled A");

        await DeployLikeFaasCliAsync(new { service = name, image = b.Reference });
        await InvokeAsync($"/function/{name}/");

        var removedA = await Poll.UntilAsync(async () => !(await ImagesAsync(fn)).Contains(a.Reference), Deadline);
        var afterUpdate = await ImagesAsync(fn);
        TestContext.Out.WriteLine(GcLog());
        Assert.Multiple(() =>
        {
            Assert.That(removedA, Is.True, $"A still there {Deadline.TotalSeconds} s after the update; log:\n{GcLog()}");
            Assert.That(afterUpdate, Does.Contain(b.Reference), "B is in use and stays");
        });
        await InvokeAsync($"/function/{name}/");

        using (var deleted = await DeleteAsync(name))
        {
            Assert.That(deleted.IsSuccessStatusCode, Is.True, $"delete: {deleted.StatusCode}");
        }

        var removedB = await Poll.UntilAsync(async () => !(await ImagesAsync(fn)).Contains(b.Reference), Deadline);
        Assert.That(removedB, Is.True, $"B still there {Deadline.TotalSeconds} s after the function was removed; log:\n{GcLog()}");
    }

    private string GcLog() => string.Join('\n', Daemon.Output.Split('\n').Where(l => l.Contains("image", StringComparison.OrdinalIgnoreCase)));

    private static async Task<List<string>> ImagesAsync(ContainerdScope scope) =>
        [.. (await scope.Images.ListAsync(new())).Images.Select(i => i.Name)];
}
