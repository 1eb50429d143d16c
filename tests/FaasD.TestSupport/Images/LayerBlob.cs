namespace FaasD.TestSupport.Images;

/// <summary>A built layer: the gzip blob that is pushed, and the plain tar (what <c>docker save</c> archives hold).</summary>
/// <param name="CompressedPath">The <c>tar+gzip</c> blob on disk.</param>
/// <param name="Digest">Digest of the gzip blob (the manifest's layer digest).</param>
/// <param name="Size">Size of the gzip blob.</param>
/// <param name="TarPath">The uncompressed tar on disk.</param>
/// <param name="DiffId">Digest of the uncompressed tar (the config's <c>rootfs.diff_ids</c> entry).</param>
/// <param name="TarSize">Size of the uncompressed tar.</param>
public sealed record LayerBlob(string CompressedPath, string Digest, long Size, string TarPath, string DiffId, long TarSize);
