namespace FaasD.Images;

/// <summary>A pulled or imported image, and how much of it had to be transferred.</summary>
/// <param name="Image">The image as stored and unpacked.</param>
/// <param name="BlobsFetched">Blobs read from the registry or archive (manifests, configs, layers).</param>
/// <param name="BlobsAlreadyPresent">Blobs containerd already had, so nothing was transferred for them.</param>
/// <param name="LayersUnpacked">Layers applied into new snapshots (the rest were committed already).</param>
public sealed record ImagePullResult(LocalImage Image, int BlobsFetched, int BlobsAlreadyPresent, int LayersUnpacked)
{
    public string Name => Image.Name;
}
