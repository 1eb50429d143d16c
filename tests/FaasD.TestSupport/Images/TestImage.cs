namespace FaasD.TestSupport.Images;

/// <summary>A test image pushed to the test registry.</summary>
/// <param name="Repository">Registry host and path, e.g. <c>127.0.0.1:5000/faasd-test/busybox-httpd</c>.</param>
/// <param name="Tag">Derived from the manifest digest unless given, so different contents never share a tag.</param>
/// <param name="Built">The blobs, for tests that check digests or export archives.</param>
public sealed record TestImage(string Repository, string Tag, BuiltImage Built)
{
    /// <summary>What a deploy or pull request names: <c>repository:tag</c>.</summary>
    public string Reference => $"{Repository}:{Tag}";

    public string ManifestDigest => Built.ManifestDigest;

    /// <summary>The reference pinned by digest: <c>repository@sha256:…</c>.</summary>
    public string DigestReference => $"{Repository}@{Built.ManifestDigest}";

    public override string ToString() => Reference;
}
