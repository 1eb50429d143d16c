using FaasD.Images.Distribution;

namespace FaasD.Images.Archives;

/// <summary>
/// An import's blobs, read from the archive: OCI layouts keep them at <c>blobs/sha256/&lt;hex&gt;</c>; a
/// <c>docker save</c> archive's members are registered by digest, and its manifest is made up in memory.
/// Every read is verified, exactly like a registry's.
/// </summary>
internal sealed class ArchiveImageSource(ImageArchive archive, string archivePath) : IImageSource
{
    private readonly Dictionary<string, string> _membersByDigest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _documents = new(StringComparer.Ordinal);

    public string Reference => archivePath;

    public IReadOnlyDictionary<string, string> BlobLabels { get; } = new Dictionary<string, string>();

    public void AddMember(string digest, string member) => _membersByDigest[digest] = member;

    public void AddDocument(string digest, byte[] content) => _documents[digest] = content;

    public async Task<byte[]> ReadDocumentAsync(OciDescriptor descriptor, CancellationToken cancellationToken)
    {
        if (_documents.TryGetValue(descriptor.Digest, out var document))
        {
            return document;
        }

        await using var stream = await OpenBlobAsync(descriptor, cancellationToken);
        var content = new byte[descriptor.Size];
        await stream.ReadExactlyAsync(content, cancellationToken);
        return content;
    }

    public Task<Stream> OpenBlobAsync(OciDescriptor descriptor, CancellationToken cancellationToken)
    {
        var member = _membersByDigest.GetValueOrDefault(descriptor.Digest) ?? OciLayoutPath(descriptor.Digest);
        if (!archive.Contains(member))
        {
            throw new ImagePullException(ImagePullErrorKind.NotFound, archivePath, $"{archivePath}: the archive has no blob {descriptor.Digest}");
        }

        return Task.FromResult<Stream>(new VerifyingStream(archive.Open(member), descriptor.Digest, descriptor.Size, archivePath));
    }

    public static string OciLayoutPath(string digest) => "blobs/" + digest.Replace(':', '/');
}
