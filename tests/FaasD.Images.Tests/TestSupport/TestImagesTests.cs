using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Text.Json;
using FaasD.TestSupport;
using FaasD.TestSupport.Images;
using NUnit.Framework;

namespace FaasD.Images.Tests.TestSupport;

[Integration]
public sealed class TestImagesTests
{
    private static readonly HttpClient s_http = new();

    [Test]
    public async Task BusyboxHttpdIsInTheRegistryUnderItsContentTag()
    {
        var image = await TestImages.BusyboxHttpdAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{TestEnvironment.Registry}/v2/{TestImages.RepositoryPrefix}busybox-httpd/manifests/{image.Tag}");
        request.Headers.Accept.ParseAdd(OciMediaTypes.Manifest);
        using var response = await s_http.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Headers.GetValues("Docker-Content-Digest").Single(), Is.EqualTo(image.ManifestDigest));
        Assert.That(image.Reference, Does.StartWith($"{TestEnvironment.Registry}/faasd-test/busybox-httpd:m-"));
    }

    [Test]
    public async Task BuildingTheSameContentsTwiceGivesTheSameDigests()
    {
        var first = await OciImageBuilder.BuildAsync(BusyboxHttpd.Contents(), BusyboxHttpd.Config);
        var second = await OciImageBuilder.BuildAsync(BusyboxHttpd.Contents(), BusyboxHttpd.Config);

        Assert.That(second.ManifestDigest, Is.EqualTo(first.ManifestDigest));
        Assert.That(second.Layer.Digest, Is.EqualTo(first.Layer.Digest));
    }

    [Test]
    public async Task TheLayerHoldsBusyboxTheAppletLinksAndTheCgiScripts()
    {
        var built = await OciImageBuilder.BuildAsync(BusyboxHttpd.Contents(), BusyboxHttpd.Config);

        var entries = new Dictionary<string, (TarEntryType EntryType, long Length, string LinkName, UnixFileMode Mode)>(StringComparer.Ordinal);
        await using (var gzip = new GZipStream(File.OpenRead(built.Layer.CompressedPath), CompressionMode.Decompress))
        await using (var tar = new TarReader(gzip))
        {
            while (await tar.GetNextEntryAsync() is { } entry)
            {
                // The entry's data stream closes when the reader moves on, so keep only what the assertions need.
                entries[entry.Name.TrimEnd('/')] = (entry.EntryType, entry.Length, entry.LinkName, entry.Mode);
            }
        }

        Assert.That(entries["bin/busybox"].Length, Is.EqualTo(new FileInfo("/bin/busybox").Length));
        Assert.That(entries["bin/sh"].LinkName, Is.EqualTo("/bin/busybox"));
        Assert.That(entries["www/cgi-bin/echo"].Mode.HasFlag(UnixFileMode.OtherExecute), Is.True);
        Assert.That(entries["usr"].EntryType, Is.EqualTo(TarEntryType.Directory));
        foreach (var applet in new[] { "bin/cat", "usr/sbin/httpd", "usr/bin/nc", "bin/sleep", "usr/bin/env", "usr/bin/sha512sum", "bin/echo", "bin/ls", "usr/bin/wget" })
        {
            Assert.That(entries, Does.ContainKey(applet));
        }
    }

    [Test]
    public async Task TheOciArchiveIndexNamesTheImage()
    {
        var image = await TestImages.BusyboxHttpdAsync();
        var archive = await TestImages.BusyboxHttpdOciArchiveAsync();

        var names = new List<string>();
        JsonDocument? index = null;
        await using (var tar = new TarReader(File.OpenRead(archive)))
        {
            while (await tar.GetNextEntryAsync() is { } entry)
            {
                names.Add(entry.Name);
                if (entry.Name == "index.json")
                {
                    index = await JsonDocument.ParseAsync(entry.DataStream!);
                }
            }
        }

        Assert.That(names, Is.SupersetOf(new[] { "oci-layout", "index.json", "blobs/sha256/" + Sha256Digest.Hex(image.ManifestDigest) }));
        var annotations = index!.RootElement.GetProperty("manifests")[0].GetProperty("annotations");
        Assert.That(annotations.GetProperty(ImageArchiveWriter.ContainerdNameAnnotation).GetString(), Is.EqualTo(image.Reference));
        index.Dispose();
    }
}
