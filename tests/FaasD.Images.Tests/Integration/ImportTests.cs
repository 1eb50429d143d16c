using FaasD.Images.Tests.Integration.Support;
using FaasD.TestSupport;
using FaasD.TestSupport.Images;
using NUnit.Framework;

namespace FaasD.Images.Tests.Integration;

[Integration]
[Parallelizable(ParallelScope.All)]
public sealed class ImportTests
{
    [SetUp]
    public void RequireContainerd() => TestEnvironment.RequireContainerd();

    [Test]
    public async Task AnOciArchiveImportsAsARunnableImage()
    {
        var image = await TestImages.BusyboxHttpdAsync();
        var archive = await TestImages.BusyboxHttpdOciArchiveAsync();
        await using var ns = ContainerdNamespace.Create();
        using var service = ImageServiceFactory.Create(ns, new CountingHandler());

        var result = (await service.ImportAsync(ns.Name, archive, null, CancellationToken.None)).Single();

        Assert.That(result.Name, Is.EqualTo(image.Reference));
        Assert.That(result.Image.TargetDigest, Is.EqualTo(image.ManifestDigest));
        Assert.That(await ns.SnapshotExistsAsync(result.Image.ChainId), Is.True);
        Assert.That(await service.IsPresentAsync(ns.Name, image.Reference, CancellationToken.None), Is.True);
    }

    [Test]
    public async Task ADockerSaveArchiveImportsAsARunnableImage()
    {
        var image = await TestImages.BusyboxHttpdAsync();
        var archive = await TestImages.BusyboxHttpdDockerArchiveAsync();
        await using var ns = ContainerdNamespace.Create();
        using var service = ImageServiceFactory.Create(ns, new CountingHandler());

        var result = (await service.ImportAsync(ns.Name, archive, null, CancellationToken.None)).Single();

        Assert.That(result.Name, Is.EqualTo(image.Reference));
        Assert.That(result.Image.ChainId, Is.EqualTo(image.Built.Layer.DiffId), "same layer, same snapshot as a pull");
        Assert.That(result.Image.Config.Cmd, Is.EqualTo(BusyboxHttpd.Config.Cmd));
        Assert.That(await ns.SnapshotExistsAsync(result.Image.ChainId), Is.True);
    }

    [Test]
    public async Task ABaseNameRenamesTheImportedImageButKeepsTheTag()
    {
        var image = await TestImages.BusyboxHttpdAsync();
        var archive = await TestImages.BusyboxHttpdOciArchiveAsync();
        await using var ns = ContainerdNamespace.Create();
        using var service = ImageServiceFactory.Create(ns, new CountingHandler());

        var result = (await service.ImportAsync(ns.Name, archive, new ImageImportOptions { BaseName = "registry.example/team/httpd" }, CancellationToken.None)).Single();

        Assert.That(result.Name, Is.EqualTo($"registry.example/team/httpd:{image.Tag}"));
    }

    [Test]
    public async Task ACorruptArchiveIsCorruptAndLeavesNoImage()
    {
        // containerd shares blobs across namespaces, so the layer must be one no other test has stored.
        var image = await UniqueImages.BuildAndPushAsync();
        var corrupted = Path.Combine(Path.GetTempPath(), $"faasd-corrupt-{TestEnvironment.UniqueSuffix()}.tar");
        await ImageArchiveWriter.WriteOciArchiveAsync(image.Built, image.Reference, corrupted);
        try
        {
            await FlipByteInsideLayerAsync(corrupted, image.Built.Layer.Size);
            await using var ns = ContainerdNamespace.Create();
            using var service = ImageServiceFactory.Create(ns, new CountingHandler());

            var exception = Assert.ThrowsAsync<ImagePullException>(() => service.ImportAsync(ns.Name, corrupted, null, CancellationToken.None));

            Assert.That(exception!.Kind, Is.EqualTo(ImagePullErrorKind.Corrupt));
            Assert.That(await service.ListImagesAsync(ns.Name, CancellationToken.None), Is.Empty);
        }
        finally
        {
            File.Delete(corrupted);
        }
    }

    /// <summary>The layer is the archive's last and by far largest member, so a byte well before its end is inside it.</summary>
    private static async Task FlipByteInsideLayerAsync(string path, long layerSize)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        var position = file.Length - 1024 - (layerSize / 2);
        file.Seek(position, SeekOrigin.Begin);
        var value = file.ReadByte();
        file.Seek(position, SeekOrigin.Begin);
        file.WriteByte((byte)(value ^ 0x01));
    }
}
