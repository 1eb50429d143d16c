namespace FaasD.Images.Archives;

/// <summary>
/// The images of an OCI image layout archive: the entries of its <c>index.json</c>, named by
/// <c>io.containerd.image.name</c> (a full reference, as containerd and Docker 25+ write it) or
/// <c>org.opencontainers.image.ref.name</c> (a full reference or just a tag).
/// </summary>
internal static class OciArchiveReader
{
    public const string LayoutMember = "oci-layout";
    public const string IndexMember = "index.json";
    public const string ContainerdNameAnnotation = "io.containerd.image.name";
    public const string RefNameAnnotation = "org.opencontainers.image.ref.name";

    public static bool IsOciLayout(ImageArchive archive) => archive.Contains(LayoutMember) && archive.Contains(IndexMember);

    public static async Task<IReadOnlyList<ArchivedImage>> ReadAsync(ImageArchive archive, string archivePath, string? baseName, CancellationToken cancellationToken)
    {
        var indexJson = await archive.ReadAllAsync(IndexMember, Distribution.RegistryClient.MaxDocumentSize, cancellationToken);
        var index = OciJson.Parse(indexJson, OciJsonContext.Default.OciManifestDocument, IndexMember, archivePath);
        var images = new List<ArchivedImage>();
        foreach (var entry in index.Manifests ?? [])
        {
            var annotations = entry.Annotations ?? [];
            var archived = annotations.GetValueOrDefault(ContainerdNameAnnotation) ?? annotations.GetValueOrDefault(RefNameAnnotation);
            if (ArchiveNames.Resolve(archived, baseName) is { } name)
            {
                images.Add(new ArchivedImage(name, entry));
            }
        }

        return images;
    }
}
