using System.Formats.Tar;
using System.Text;
using System.Text.Json;

namespace FaasD.TestSupport.Images;

/// <summary>
/// Writes a <see cref="BuiltImage"/> as the two archive formats an air-gapped machine imports: an OCI image layout
/// tar (what <c>ctr export</c> / <c>skopeo copy oci-archive:</c> make) and a classic <c>docker save</c> tar.
/// </summary>
public static class ImageArchiveWriter
{
    public const string ContainerdNameAnnotation = "io.containerd.image.name";
    public const string RefNameAnnotation = "org.opencontainers.image.ref.name";

    /// <summary>
    /// <c>oci-layout</c>, <c>index.json</c> and <c>blobs/sha256/…</c>. Like containerd's exporter, the index entry
    /// carries the full name in <c>io.containerd.image.name</c> and the tag alone in <c>org.opencontainers.image.ref.name</c>.
    /// </summary>
    public static async Task WriteOciArchiveAsync(BuiltImage image, string imageName, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var index = OciImageBuilder.Json(writer =>
        {
            writer.WriteNumber("schemaVersion", 2);
            writer.WriteString("mediaType", OciMediaTypes.Index);
            writer.WriteStartArray("manifests");
            writer.WriteStartObject();
            OciImageBuilder.WriteDescriptorFields(writer, OciMediaTypes.Manifest, image.ManifestDigest, image.Manifest.Length);
            writer.WriteStartObject("annotations");
            writer.WriteString(ContainerdNameAnnotation, imageName);
            writer.WriteString(RefNameAnnotation, TagOf(imageName));
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndArray();
        });

        await WriteTarAsync(path, async tar =>
        {
            await AddAsync(tar, "oci-layout", Encoding.UTF8.GetBytes("{\"imageLayoutVersion\":\"1.0.0\"}"), cancellationToken);
            await AddAsync(tar, "index.json", index, cancellationToken);
            await AddAsync(tar, BlobPath(image.ManifestDigest), image.Manifest, cancellationToken);
            await AddAsync(tar, BlobPath(image.ConfigDigest), image.Config, cancellationToken);
            await tar.WriteEntryAsync(image.Layer.CompressedPath, BlobPath(image.Layer.Digest), cancellationToken);
        });
    }

    /// <summary>
    /// <c>manifest.json</c>, <c>repositories</c>, <c>&lt;config hex&gt;.json</c> and an uncompressed
    /// <c>&lt;diff id hex&gt;/layer.tar</c>, as <c>docker save</c> wrote them before Docker 25.
    /// </summary>
    public static async Task WriteDockerArchiveAsync(BuiltImage image, string repoTag, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var configName = Sha256Digest.Hex(image.ConfigDigest) + ".json";
        var layerDirectory = Sha256Digest.Hex(image.Layer.DiffId);
        var layerName = layerDirectory + "/layer.tar";
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new[]
        {
            new Dictionary<string, object> { ["Config"] = configName, ["RepoTags"] = new[] { repoTag }, ["Layers"] = new[] { layerName } },
        });
        var colon = repoTag.LastIndexOf(':');
        var repositories = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, Dictionary<string, string>>
        {
            [repoTag[..colon]] = new() { [repoTag[(colon + 1)..]] = layerDirectory },
        });

        await WriteTarAsync(path, async tar =>
        {
            await AddAsync(tar, configName, image.Config, cancellationToken);
            await tar.WriteEntryAsync(image.Layer.TarPath, layerName, cancellationToken);
            await AddAsync(tar, "manifest.json", manifest, cancellationToken);
            await AddAsync(tar, "repositories", repositories, cancellationToken);
        });
    }

    private static string BlobPath(string digest) => "blobs/sha256/" + Sha256Digest.Hex(digest);

    private static string TagOf(string imageName)
    {
        var colon = imageName.LastIndexOf(':');
        return colon > imageName.LastIndexOf('/') ? imageName[(colon + 1)..] : "latest";
    }

    private static async Task WriteTarAsync(string path, Func<TarWriter, Task> writeEntries)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var staging = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var file = File.Create(staging))
            await using (var tar = new TarWriter(file, TarEntryFormat.Ustar, leaveOpen: false))
            {
                await writeEntries(tar);
            }

            File.Move(staging, path, overwrite: true);
        }
        finally
        {
            File.Delete(staging);
        }
    }

    private static async Task AddAsync(TarWriter tar, string name, byte[] content, CancellationToken cancellationToken)
    {
        await using var data = new MemoryStream(content);
        var entry = new UstarTarEntry(TarEntryType.RegularFile, name)
        {
            Mode = ImageContents.RegularMode,
            ModificationTime = DateTimeOffset.UnixEpoch,
            DataStream = data,
        };
        await tar.WriteEntryAsync(entry, cancellationToken);
    }
}
