using System.Diagnostics;
using FaasD.Containerd.Api.Content;
using FaasD.Images.Tests.Integration.Support;
using FaasD.TestSupport;
using FaasD.TestSupport.Images;
using NUnit.Framework;

namespace FaasD.Images.Tests.Integration;

[Integration]
[Parallelizable(ParallelScope.All)]
public sealed class PullTests
{
    [SetUp]
    public void RequireContainerd() => TestEnvironment.RequireContainerd();

    [Test]
    public async Task PullStoresLabelsAndUnpacksTheImage()
    {
        var image = await TestImages.BusyboxHttpdAsync();
        await using var ns = ContainerdNamespace.Create();
        using var service = ImageServiceFactory.Create(ns, new CountingHandler());

        var result = await service.PullAsync(ns.Name, image.Reference, CancellationToken.None);

        Assert.That(result.Name, Is.EqualTo(image.Reference));
        Assert.That(result.Image.TargetDigest, Is.EqualTo(image.ManifestDigest));
        Assert.That(result.Image.ChainId, Is.EqualTo(image.Built.Layer.DiffId), "one layer: the chain ID is its diff ID");
        Assert.That(result.Image.Config.Cmd, Is.EqualTo(BusyboxHttpd.Config.Cmd));
        Assert.That(result.Image.Config.WorkingDir, Is.EqualTo("/www"));
        Assert.That(result.LayersUnpacked, Is.EqualTo(1));
        Assert.That(await ns.SnapshotExistsAsync(result.Image.ChainId), Is.True);
        Assert.That(await service.IsPresentAsync(ns.Name, image.Reference, CancellationToken.None), Is.True);
        Assert.That((await service.GetImageConfigAsync(ns.Name, image.Reference, CancellationToken.None))!.Cmd, Is.EqualTo(BusyboxHttpd.Config.Cmd));
        Assert.That((await service.ListImagesAsync(ns.Name, CancellationToken.None)).Select(i => i.Name), Is.EqualTo(new[] { image.Reference }));

        var manifest = await InfoAsync(ns, image.ManifestDigest);
        Assert.That(manifest.Labels["containerd.io/gc.ref.content.config"], Is.EqualTo(image.Built.ConfigDigest));
        Assert.That(manifest.Labels["containerd.io/gc.ref.content.l.0"], Is.EqualTo(image.Built.Layer.Digest));
        Assert.That((await InfoAsync(ns, image.Built.Layer.Digest)).Labels["containerd.io/uncompressed"], Is.EqualTo(image.Built.Layer.DiffId));
        Assert.That((await InfoAsync(ns, image.Built.ConfigDigest)).Labels["containerd.io/gc.ref.snapshot.overlayfs"], Is.EqualTo(result.Image.ChainId));
    }

    [Test]
    public async Task ASecondPullFetchesNoBlob()
    {
        // A layer no namespace has yet: containerd shares blobs across namespaces, so a shared test image
        // that another test already pulled would be (rightly) skipped on the first pull too.
        var image = await UniqueImages.BuildAndPushAsync();
        await using var ns = ContainerdNamespace.Create();
        var requests = new CountingHandler();
        using var service = ImageServiceFactory.Create(ns, requests);
        await service.PullAsync(ns.Name, image.Reference, CancellationToken.None);
        Assert.That(requests.BlobGets, Is.EqualTo(2), "the first pull fetches the config and the layer");
        requests.Reset();

        var again = await service.PullAsync(ns.Name, image.Reference, CancellationToken.None);

        Assert.That(requests.BlobGets, Is.Zero);
        Assert.That(requests.ManifestGets, Is.Zero, "the tag is resolved with HEAD; the manifest comes from containerd");
        Assert.That(again.BlobsFetched, Is.Zero);
        Assert.That(again.LayersUnpacked, Is.Zero);
    }

    [Test]
    public async Task PullByDigestNamesTheImageByDigest()
    {
        var image = await TestImages.BusyboxHttpdAsync();
        await using var ns = ContainerdNamespace.Create();
        using var service = ImageServiceFactory.Create(ns, new CountingHandler());

        var result = await service.PullAsync(ns.Name, image.DigestReference, CancellationToken.None);

        Assert.That(result.Name, Is.EqualTo(image.DigestReference));
        Assert.That(await service.IsPresentAsync(ns.Name, image.DigestReference, CancellationToken.None), Is.True);
    }

    [Test]
    public async Task AMissingTagIsNotFoundAndLeavesNoImage()
    {
        var image = await TestImages.BusyboxHttpdAsync();
        await using var ns = ContainerdNamespace.Create();
        using var service = ImageServiceFactory.Create(ns, new CountingHandler());
        var missing = $"{image.Repository}:no-such-tag-{TestEnvironment.UniqueSuffix()}";

        var exception = Assert.ThrowsAsync<ImagePullException>(() => service.PullAsync(ns.Name, missing, CancellationToken.None));

        Assert.That(exception!.Kind, Is.EqualTo(ImagePullErrorKind.NotFound));
        Assert.That(exception.Message, Does.Contain(missing));
        Assert.That(await service.ListImagesAsync(ns.Name, CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task ACorruptLayerIsCorruptAndLeavesNoImage()
    {
        // containerd shares blobs across namespaces, so the layer must be one no other test has stored.
        var image = await UniqueImages.BuildAndPushAsync();
        await using var registry = FakeRegistry.Start(FakeRegistry.Mode.CorruptLayers);
        await using var ns = ContainerdNamespace.Create();
        using var service = ImageServiceFactory.Create(ns, new CountingHandler());
        var reference = $"{registry.Host}/{image.Repository.Split('/', 2)[1]}:{image.Tag}";

        var exception = Assert.ThrowsAsync<ImagePullException>(() => service.PullAsync(ns.Name, reference, CancellationToken.None));

        Assert.That(exception!.Kind, Is.EqualTo(ImagePullErrorKind.Corrupt), exception.ToString());
        Assert.That(exception.Message, Does.Contain(reference).And.Contain(image.Built.Layer.Digest));
        Assert.That(await service.ListImagesAsync(ns.Name, CancellationToken.None), Is.Empty);
        Assert.That(await ns.Scope.ContentStore.ExistsAsync(image.Built.Layer.Digest, CancellationToken.None), Is.False);
    }

    [Test]
    public async Task AnUnreachableRegistryIsUnavailableQuickly()
    {
        await using var ns = ContainerdNamespace.Create();
        using var service = ImageServiceFactory.Create(ns, new CountingHandler());
        var reference = $"127.0.0.1:{FakeRegistry.FreePort()}/faasd-test/nothing:latest";
        var clock = Stopwatch.StartNew();

        var exception = Assert.ThrowsAsync<ImagePullException>(() => service.PullAsync(ns.Name, reference, CancellationToken.None));

        Assert.That(exception!.Kind, Is.EqualTo(ImagePullErrorKind.Unavailable));
        Assert.That(exception.Message, Does.Contain(reference));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        Assert.That(await service.ListImagesAsync(ns.Name, CancellationToken.None), Is.Empty);
    }

    [Test]
    public void AnInvalidReferenceIsRejectedBeforeAnyRequest()
    {
        var requests = new CountingHandler();
        using var client = new FaasD.Containerd.ContainerdClient(new FaasD.Containerd.ContainerdClientOptions());
        using var service = new ImageService(client, registryHandler: requests);

        var exception = Assert.ThrowsAsync<ImagePullException>(() => service.PullAsync("faasd-test-unused", "Not/A/Valid:Ref:x", CancellationToken.None));

        Assert.That(exception!.Kind, Is.EqualTo(ImagePullErrorKind.InvalidReference));
        Assert.That(requests.Requests, Is.Empty);
    }

    private static async Task<Info> InfoAsync(ContainerdNamespace ns, string digest) =>
        await ns.Scope.ContentStore.InfoAsync(digest, CancellationToken.None) ?? throw new AssertionException($"{digest} is not in the content store");
}
