namespace FaasD.Images.Archives;

/// <summary>One named image in an archive: the name it will be stored under and its manifest or index.</summary>
internal sealed record ArchivedImage(ImageReference Name, OciDescriptor Target);
