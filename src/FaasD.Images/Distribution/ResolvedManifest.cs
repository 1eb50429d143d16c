namespace FaasD.Images.Distribution;

/// <summary>What a tag or digest points at. <paramref name="Content"/> is set when resolving had to download it anyway.</summary>
internal sealed record ResolvedManifest(OciDescriptor Descriptor, byte[]? Content);
