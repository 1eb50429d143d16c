namespace FaasD.Containerd.Content;

/// <summary>A blob to put into containerd's content store: what it must hash to and how long it is.</summary>
/// <param name="Digest">The expected digest, e.g. <c>sha256:…</c>; containerd verifies it on commit.</param>
/// <param name="Size">The exact size in bytes.</param>
public sealed record BlobWrite(string Digest, long Size)
{
    /// <summary>
    /// The ingest reference. An interrupted write with the same ref resumes where it stopped; two concurrent
    /// writers of one ref get Unavailable ("locked"). Defaults to one ref per digest.
    /// </summary>
    public string? Ref { get; init; }

    /// <summary>Labels stored with the committed blob (e.g. <c>containerd.io/gc.ref.content.*</c> links).</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    internal string EffectiveRef => Ref ?? $"faasd-{Digest}";
}

/// <summary>
/// Opens the blob's bytes starting at <paramref name="offset"/> (0, or where an interrupted ingest stopped).
/// Called only when containerd does not already have the blob, so the source is never fetched needlessly.
/// </summary>
public delegate Task<Stream> BlobSource(long offset, CancellationToken cancellationToken);

public enum BlobWriteOutcome
{
    /// <summary>The bytes were sent and committed.</summary>
    Written,

    /// <summary>containerd already had a blob with this digest; nothing was read or sent.</summary>
    AlreadyPresent,
}
