namespace FaasD.TestSupport.Images;

/// <summary>A test image built on disk and in memory: one layer, its config and its manifest, ready to push or archive.</summary>
public sealed record BuiltImage(LayerBlob Layer, byte[] Config, string ConfigDigest, byte[] Manifest, string ManifestDigest);
