namespace FaasD.Images.Store;

/// <summary>Reads an image back from containerd: record → (index →) this platform's manifest → config → chain ID.</summary>
internal sealed class StoredImageReader(ContainerdScope scope, PlatformMatcher platforms, string snapshotter)
{
    private const int MaxIndexDepth = 4;

    /// <summary>Null when there is no record of that name, or its content has been collected.</summary>
    public async Task<LocalImage?> ReadAsync(string name, CancellationToken cancellationToken)
    {
        if (await ImageRecords.GetAsync(scope, name, cancellationToken) is not { Target: { } target })
        {
            return null;
        }

        try
        {
            var digest = target.Digest;
            for (var depth = 0; depth <= MaxIndexDepth; depth++)
            {
                var document = OciJson.Parse(await scope.ContentStore.ReadAllAsync(digest, cancellationToken), OciJsonContext.Default.OciManifestDocument, $"manifest {digest}", name);
                if (document.Manifests is { } manifests)
                {
                    var chosen = platforms.Best(manifests, manifest => manifest.Platform?.ToPlatform()) ?? manifests.FirstOrDefault(m => m.Platform is null);
                    if (chosen is null)
                    {
                        return null;
                    }

                    digest = chosen.Digest;
                    continue;
                }

                if (document.Config is not { } config)
                {
                    return null;
                }

                var configDocument = OciJson.Parse(await scope.ContentStore.ReadAllAsync(config.Digest, cancellationToken), OciJsonContext.Default.OciImageConfigDocument, $"config {config.Digest}", name);
                var chain = Digests.ChainIds(configDocument.RootFs?.DiffIds ?? []);
                return new LocalImage(name, target.Digest, digest, config.Digest, OciJson.ToImageConfig(configDocument), chain.Count > 0 ? chain[^1] : "", snapshotter);
            }

            return null;
        }
        catch (ContainerdException exception) when (exception.Kind == ContainerdErrorKind.NotFound)
        {
            return null;
        }
    }
}
