namespace FaasD.Images.Archives;

/// <summary>
/// The images of a classic <c>docker save</c> archive (<c>manifest.json</c>, <c>&lt;id&gt;.json</c> configs,
/// <c>&lt;id&gt;/layer.tar</c> layers). It has no registry manifest, so one is made — Docker schema 2, each layer
/// described by the digest of its bytes as stored (plain tar or gzip) — exactly what containerd's importer does.
/// Names come from <c>RepoTags</c>.
/// </summary>
internal static class DockerArchiveReader
{
    public const string ManifestMember = "manifest.json";

    public static bool IsDockerArchive(ImageArchive archive) => archive.Contains(ManifestMember);

    public static async Task<IReadOnlyList<ArchivedImage>> ReadAsync(
        ImageArchive archive,
        ArchiveImageSource source,
        string archivePath,
        string? baseName,
        CancellationToken cancellationToken)
    {
        var manifestJson = await archive.ReadAllAsync(ManifestMember, Distribution.RegistryClient.MaxDocumentSize, cancellationToken);
        var entries = OciJson.Parse(manifestJson, OciJsonContext.Default.ListDockerArchiveManifestEntry, ManifestMember, archivePath);
        var images = new List<ArchivedImage>();
        foreach (var entry in entries)
        {
            var target = await DescribeAsync(archive, source, entry, cancellationToken);
            var names = entry.RepoTags is { Count: > 0 } tags ? tags.Select(tag => (string?)tag) : [null];
            foreach (var name in names.Select(tag => ArchiveNames.Resolve(tag, baseName)).OfType<References.ImageReference>().DistinctBy(name => name.ToString()))
            {
                images.Add(new ArchivedImage(name, target));
            }
        }

        return images;
    }

    /// <summary>Hashes the config and layers in place and registers them, and the made-up manifest, with the source.</summary>
    private static async Task<OciDescriptor> DescribeAsync(ImageArchive archive, ArchiveImageSource source, DockerArchiveManifestEntry entry, CancellationToken cancellationToken)
    {
        var config = await DescribeMemberAsync(archive, source, entry.Config, MediaTypes.DockerConfig, cancellationToken);
        var layers = new List<OciDescriptor>();
        foreach (var layer in entry.Layers)
        {
            layers.Add(await DescribeMemberAsync(archive, source, layer, mediaType: null, cancellationToken));
        }

        var manifest = JsonSerializer.SerializeToUtf8Bytes(
            new OciManifestDocument { SchemaVersion = 2, MediaType = MediaTypes.DockerManifest, Config = config, Layers = layers },
            OciJsonContext.Default.OciManifestDocument);
        var digest = Digests.Sha256(manifest);
        source.AddDocument(digest, manifest);
        return new OciDescriptor { MediaType = MediaTypes.DockerManifest, Digest = digest, Size = manifest.Length };
    }

    /// <param name="mediaType">Null for a layer: plain or gzip tar, decided by the member's first bytes.</param>
    private static async Task<OciDescriptor> DescribeMemberAsync(ImageArchive archive, ArchiveImageSource source, string member, string? mediaType, CancellationToken cancellationToken)
    {
        await using var stream = archive.Open(member);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        var first = true;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (first && mediaType is null)
            {
                mediaType = read >= 2 && buffer[0] == 0x1f && buffer[1] == 0x8b ? MediaTypes.DockerLayerGzip : MediaTypes.DockerLayer;
            }

            first = false;
            hash.AppendData(buffer, 0, read);
        }

        var digest = "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
        source.AddMember(digest, member);
        return new OciDescriptor { MediaType = mediaType ?? MediaTypes.DockerLayer, Digest = digest, Size = archive.LengthOf(member) };
    }
}
