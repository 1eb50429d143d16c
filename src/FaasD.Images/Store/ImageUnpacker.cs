using FaasD.Containerd.Api.Diff;
using FaasD.Containerd.Api.Snapshots;
using FaasD.Containerd.Api.Types;
using Google.Protobuf.WellKnownTypes;
using ContentApi = FaasD.Containerd.Api.Content;

namespace FaasD.Images.Store;

/// <summary>
/// Unpacks an image's layers into committed snapshots named by chain ID, as containerd's unpacker does:
/// <code>
///   for each layer whose chain ID is not committed yet:
///     Snapshots.Prepare("extract-&lt;random&gt; &lt;chainID&gt;", parent = previous chain ID) → mounts
///     Diff.Apply(layer, mounts)   → must yield the config's diff ID
///     Snapshots.Commit(name = chainID)
///   label the config containerd.io/gc.ref.snapshot.&lt;snapshotter&gt; = top chain ID
/// </code>
/// The label is what keeps the snapshots alive once the pull's lease is gone, and what lets <c>ctr run</c> find them.
/// </summary>
internal sealed class ImageUnpacker(ContainerdScope leased, string snapshotter, string reference)
{
    /// <summary>Returns the top chain ID and how many layers had to be applied.</summary>
    public async Task<(string ChainId, int LayersUnpacked)> UnpackAsync(FetchedImage image, CancellationToken cancellationToken)
    {
        var chain = Digests.ChainIds(image.DiffIds);
        var unpacked = 0;
        if (chain.Count > 0 && !await SnapshotExistsAsync(leased, snapshotter, chain[^1], cancellationToken))
        {
            for (var position = 0; position < chain.Count; position++)
            {
                if (!await SnapshotExistsAsync(leased, snapshotter, chain[position], cancellationToken))
                {
                    var parent = position == 0 ? "" : chain[position - 1];
                    await ApplyLayerAsync(image.Layers[position], image.DiffIds[position], chain[position], parent, cancellationToken);
                    unpacked++;
                }
            }
        }

        var top = chain.Count > 0 ? chain[^1] : "";
        await LabelConfigAsync(image.Config.Digest, top, cancellationToken);
        return (top, unpacked);
    }

    public static async Task<bool> SnapshotExistsAsync(ContainerdScope scope, string snapshotter, string key, CancellationToken cancellationToken)
    {
        try
        {
            await scope.Snapshots.StatAsync(new StatSnapshotRequest { Snapshotter = snapshotter, Key = key }, cancellationToken: cancellationToken);
            return true;
        }
        catch (ContainerdException exception) when (exception.Kind == ContainerdErrorKind.NotFound)
        {
            return false;
        }
    }

    private async Task ApplyLayerAsync(OciDescriptor layer, string diffId, string chainId, string parent, CancellationToken cancellationToken)
    {
        // The same format containerd uses, so its tools recognise (and clean up) our extraction snapshots.
        var key = $"extract-{RandomNumberGenerator.GetHexString(16, lowercase: true)} {chainId}";
        var prepared = await leased.Snapshots.PrepareAsync(
            new PrepareSnapshotRequest { Snapshotter = snapshotter, Key = key, Parent = parent },
            cancellationToken: cancellationToken);
        try
        {
            var request = new ApplyRequest { Diff = new ContentDescriptor { MediaType = layer.MediaType, Digest = layer.Digest, Size = layer.Size } };
            request.Mounts.AddRange(prepared.Mounts);
            var applied = await leased.Diff.ApplyAsync(request, cancellationToken: cancellationToken);
            if (applied.Applied.Digest != diffId)
            {
                throw new ImagePullException(ImagePullErrorKind.Corrupt, reference,
                    $"{reference}: layer {layer.Digest} unpacks to {applied.Applied.Digest}, but the config says {diffId}");
            }

            try
            {
                await leased.Snapshots.CommitAsync(
                    new CommitSnapshotRequest { Snapshotter = snapshotter, Name = chainId, Key = key },
                    cancellationToken: cancellationToken);
            }
            catch (ContainerdException exception) when (exception.Kind == ContainerdErrorKind.AlreadyExists)
            {
                // A concurrent unpack of the same layer won; its snapshot is identical, ours is dropped below.
                await RemoveQuietlyAsync(key);
            }
        }
        catch
        {
            await RemoveQuietlyAsync(key);
            throw;
        }
    }

    private async Task LabelConfigAsync(string configDigest, string chainId, CancellationToken cancellationToken)
    {
        var label = GcLabels.Snapshot(snapshotter);
        var info = new ContentApi.Info { Digest = configDigest };
        info.Labels[label] = chainId;
        var update = new ContentApi.UpdateRequest { Info = info, UpdateMask = new FieldMask() };
        update.UpdateMask.Paths.Add("labels." + label);
        await leased.Content.UpdateAsync(update, cancellationToken: cancellationToken);
    }

    private async Task RemoveQuietlyAsync(string key)
    {
        try
        {
            await leased.Snapshots.RemoveAsync(new RemoveSnapshotRequest { Snapshotter = snapshotter, Key = key }, cancellationToken: CancellationToken.None);
        }
        catch (ContainerdException)
        {
            // Already gone, or containerd is down; the lease lets the garbage collector take it either way.
        }
    }
}
