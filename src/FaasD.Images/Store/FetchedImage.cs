namespace FaasD.Images.Store;

/// <summary>An image whose blobs are all in the content store, resolved down to this platform's manifest.</summary>
internal sealed record FetchedImage(
    OciDescriptor Target,
    OciDescriptor Manifest,
    OciDescriptor Config,
    OciImageConfigDocument ConfigDocument,
    IReadOnlyList<OciDescriptor> Layers,
    IReadOnlyList<string> DiffIds,
    int BlobsFetched,
    int BlobsAlreadyPresent);
