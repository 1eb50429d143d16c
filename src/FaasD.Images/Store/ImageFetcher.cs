using FaasD.Containerd.Api.Content;
using FaasD.Containerd.Content;

namespace FaasD.Images.Store;

/// <summary>
/// Copies one image from a source into containerd's content store, the way containerd's own fetch does:
/// <code>
///   index ──m.0──▶ manifest ──config──▶ config
///                      └──l.N──▶ layer N   (labelled with its uncompressed digest)
/// </code>
/// Only this platform's manifest is followed. Documents containerd already has are read from it, layers it has
/// are skipped, so a second pull of the same image transfers nothing but the tag lookup. Blobs are written
/// children first, so a stored parent always has its children. Run it under a lease.
/// </summary>
internal sealed class ImageFetcher
{
    private const int MaxIndexDepth = 4;
    private const int ParallelLayers = 3;

    private readonly ContainerdScope _leased;
    private readonly IImageSource _source;
    private readonly PlatformMatcher _platforms;
    private readonly HashSet<string> _storedDocuments = new(StringComparer.Ordinal);
    private int _fetched;
    private int _present;

    public ImageFetcher(ContainerdScope leased, IImageSource source, PlatformMatcher platforms)
    {
        _leased = leased;
        _source = source;
        _platforms = platforms;
    }

    /// <param name="target">The descriptor the image record will point at (manifest or index).</param>
    /// <param name="targetContent">Its bytes when resolving already downloaded them, else null.</param>
    public async Task<FetchedImage> FetchAsync(OciDescriptor target, byte[]? targetContent, CancellationToken cancellationToken)
    {
        var parents = new List<(OciDescriptor Descriptor, byte[] Content, Dictionary<string, string> Labels)>();
        var descriptor = target;
        var content = targetContent;
        for (var depth = 0; ; depth++)
        {
            content ??= await ReadDocumentAsync(descriptor, cancellationToken);
            var document = OciJson.Parse(content, OciJsonContext.Default.OciManifestDocument, $"manifest {descriptor.Digest}", _source.Reference);
            var mediaType = EffectiveMediaType(descriptor, document);
            if (MediaTypes.IsManifest(mediaType))
            {
                descriptor = descriptor with { MediaType = mediaType };
                return await FetchManifestAsync(target with { MediaType = depth == 0 ? mediaType : target.MediaType }, descriptor, content, document, parents, cancellationToken);
            }

            if (!MediaTypes.IsIndex(mediaType) || depth >= MaxIndexDepth)
            {
                throw Failure(ImagePullErrorKind.Unsupported, $"{descriptor.Digest} has media type \"{mediaType}\"; expected an OCI or Docker schema 2 manifest or index");
            }

            if (depth == 0)
            {
                target = target with { MediaType = mediaType };
            }

            var chosen = ChooseManifest(document.Manifests ?? []);
            parents.Add((descriptor with { MediaType = mediaType }, content, new Dictionary<string, string> { [GcLabels.IndexManifest(0)] = chosen.Digest }));
            descriptor = chosen;
            content = null;
        }
    }

    private async Task<FetchedImage> FetchManifestAsync(
        OciDescriptor target,
        OciDescriptor manifestDescriptor,
        byte[] manifestContent,
        OciManifestDocument manifest,
        List<(OciDescriptor Descriptor, byte[] Content, Dictionary<string, string> Labels)> parents,
        CancellationToken cancellationToken)
    {
        if (manifest.Config is not { } configDescriptor || manifest.Layers is not { } layers)
        {
            throw Failure(ImagePullErrorKind.Corrupt, $"manifest {manifestDescriptor.Digest} has no config or no layers");
        }

        var configContent = await ReadDocumentAsync(configDescriptor, cancellationToken);
        var config = OciJson.Parse(configContent, OciJsonContext.Default.OciImageConfigDocument, $"config {configDescriptor.Digest}", _source.Reference);
        var diffIds = config.RootFs?.DiffIds ?? [];
        if (diffIds.Count != layers.Count || diffIds.Any(diffId => !Digests.IsSha256(diffId)))
        {
            throw Failure(ImagePullErrorKind.Corrupt, $"config {configDescriptor.Digest} lists {diffIds.Count} sha256 diff ids for {layers.Count} layers");
        }

        foreach (var layer in layers.Where(layer => !layer.MediaType.Contains(".tar", StringComparison.Ordinal) || layer.MediaType.Contains("foreign", StringComparison.Ordinal)))
        {
            throw Failure(ImagePullErrorKind.Unsupported, $"layer {layer.Digest} has media type \"{layer.MediaType}\", which cannot be unpacked here");
        }

        await Parallel.ForEachAsync(
            layers.Select((layer, position) => (layer, diffId: diffIds[position])),
            new ParallelOptions { MaxDegreeOfParallelism = ParallelLayers, CancellationToken = cancellationToken },
            async (item, token) => await WriteLayerAsync(item.layer, item.diffId, token));

        await WriteDocumentAsync(configDescriptor, configContent, [], cancellationToken);
        var manifestLabels = new Dictionary<string, string> { [GcLabels.ManifestConfig] = configDescriptor.Digest };
        for (var position = 0; position < layers.Count; position++)
        {
            manifestLabels[GcLabels.ManifestLayer(position)] = layers[position].Digest;
        }

        await WriteDocumentAsync(manifestDescriptor, manifestContent, manifestLabels, cancellationToken);
        for (var position = parents.Count - 1; position >= 0; position--)
        {
            await WriteDocumentAsync(parents[position].Descriptor, parents[position].Content, parents[position].Labels, cancellationToken);
        }

        return new FetchedImage(target, manifestDescriptor, configDescriptor, config, layers, diffIds, _fetched, _present);
    }

    private OciDescriptor ChooseManifest(List<OciDescriptor> manifests)
    {
        // An index entry without a platform (common in single-image OCI layouts) is taken when nothing names ours.
        return _platforms.Best(manifests, manifest => manifest.Platform?.ToPlatform())
            ?? manifests.FirstOrDefault(manifest => manifest.Platform is null)
            ?? throw Failure(ImagePullErrorKind.Unsupported,
                $"no manifest for {_platforms.Host}; the image offers {string.Join(", ", manifests.Select(m => m.Platform?.ToPlatform().ToString() ?? "?"))}");
    }

    /// <summary>A manifest, index or config: from containerd when it has it (no transfer), else from the source.</summary>
    private async Task<byte[]> ReadDocumentAsync(OciDescriptor descriptor, CancellationToken cancellationToken)
    {
        if (!Digests.IsSha256(descriptor.Digest) || descriptor.Size is < 0 or > Distribution.RegistryClient.MaxDocumentSize)
        {
            throw Failure(ImagePullErrorKind.Corrupt, $"descriptor {descriptor.Digest} ({descriptor.Size} bytes) is not a valid sha256 document descriptor");
        }

        if (await _leased.ContentStore.ExistsAsync(descriptor.Digest, cancellationToken))
        {
            var stored = await _leased.ContentStore.ReadAllAsync(descriptor.Digest, cancellationToken);
            if (Digests.Sha256(stored) == descriptor.Digest)
            {
                _storedDocuments.Add(descriptor.Digest);
                _present++;
                return stored;
            }
        }

        _fetched++;
        return await _source.ReadDocumentAsync(descriptor, cancellationToken);
    }

    private async Task WriteDocumentAsync(OciDescriptor descriptor, byte[] content, Dictionary<string, string> labels, CancellationToken cancellationToken)
    {
        if (_storedDocuments.Contains(descriptor.Digest))
        {
            return;
        }

        var write = new BlobWrite(descriptor.Digest, content.Length) { Labels = WithSourceLabels(labels) };
        await _leased.ContentStore.WriteAsync(write, content, cancellationToken);
    }

    private async Task WriteLayerAsync(OciDescriptor layer, string diffId, CancellationToken cancellationToken)
    {
        var write = new BlobWrite(layer.Digest, layer.Size)
        {
            Ref = $"faasd-layer-{layer.Digest}",
            Labels = WithSourceLabels(new Dictionary<string, string> { [GcLabels.Uncompressed] = diffId }),
        };

        try
        {
            var outcome = await _leased.ContentStore.WriteAsync(write, (offset, token) => OpenLayerAtAsync(layer, offset, token), cancellationToken);
            if (outcome == BlobWriteOutcome.AlreadyPresent)
            {
                Interlocked.Increment(ref _present);
            }
        }
        catch (ImagePullException exception) when (exception.Kind == ImagePullErrorKind.Corrupt)
        {
            // Bytes before the mismatch are already ingested; a resumed write would build on them, so drop them.
            await AbortIngestAsync(write.Ref!);
            throw;
        }
    }

    /// <summary>
    /// containerd may still be closing the failed write when the abort arrives ("unlinkat …: directory not
    /// empty"), so it is retried briefly; the corruption, not the clean-up, is what the caller must hear about.
    /// </summary>
    private async Task AbortIngestAsync(string reference)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _leased.Content.AbortAsync(new AbortRequest { Ref = reference }, cancellationToken: CancellationToken.None);
                return;
            }
            catch (ContainerdException exception) when (exception.Kind == ContainerdErrorKind.NotFound)
            {
                return;
            }
            catch (ContainerdException) when (attempt < 10)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20 * attempt));
            }
            catch (ContainerdException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Opens the layer from the start (so the whole blob is verified) and skips what containerd already ingested
    /// from an interrupted earlier write.
    /// </summary>
    private async Task<Stream> OpenLayerAtAsync(OciDescriptor layer, long offset, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _fetched);
        var stream = await _source.OpenBlobAsync(layer, cancellationToken);
        try
        {
            var skip = new byte[81920];
            for (var skipped = 0L; skipped < offset;)
            {
                var read = await stream.ReadAsync(skip.AsMemory(0, (int)Math.Min(skip.Length, offset - skipped)), cancellationToken);
                skipped += read;
            }

            return stream;
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    private Dictionary<string, string> WithSourceLabels(Dictionary<string, string> labels)
    {
        foreach (var (key, value) in _source.BlobLabels)
        {
            labels[key] = value;
        }

        return labels;
    }

    private static string EffectiveMediaType(OciDescriptor descriptor, OciManifestDocument document) =>
        document.MediaType is { Length: > 0 } declared ? declared
        : descriptor.MediaType is { Length: > 0 } described ? described
        : document.Manifests is not null ? MediaTypes.OciIndex : MediaTypes.OciManifest;

    private ImagePullException Failure(ImagePullErrorKind kind, string problem) => new(kind, _source.Reference, $"{_source.Reference}: {problem}");
}
