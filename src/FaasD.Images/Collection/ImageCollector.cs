using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using ContainersApi = FaasD.Containerd.Api.Containers;
using ContentApi = FaasD.Containerd.Api.Content;
using ImagesApi = FaasD.Containerd.Api.Images;
using SnapshotsApi = FaasD.Containerd.Api.Snapshots;

namespace FaasD.Images.Collection;

/// <summary>
/// The image collector over containerd 1.6: "in use" means a container of the namespace names the image (a
/// function's or compose service's container records its image by name). Deleting the image record with
/// <c>sync</c> makes containerd run its garbage collector before answering, so content and snapshots referenced
/// only through that record (gc.ref labels) are gone when the call returns; a running container's snapshot chain
/// keeps the image's snapshots as parents, which is one more reason never to remove an image in use.
/// </summary>
public sealed partial class ImageCollector(ContainerdClient containerd, string snapshotter, TimeProvider? time = null, ILogger<ImageCollector>? logger = null)
    : IImageCollector
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ILogger _logger = logger ?? NullLogger<ImageCollector>.Instance;

    public async Task<PruneReport> RemoveAsync(string @namespace, string reference, CancellationToken cancellationToken)
    {
        var name = Normalise(reference);
        var scope = containerd.Namespace(@namespace);
        var before = await CountAsync([@namespace], cancellationToken);
        var inUse = await ImagesInUseAsync(scope, cancellationToken);
        if (inUse.Contains(name))
        {
            throw new ImageInUseException($"image {name} is used by a container in namespace {@namespace}; remove the function or service first");
        }

        await scope.Images.DeleteAsync(new ImagesApi.DeleteImageRequest { Name = name, Sync = true }, cancellationToken: cancellationToken);
        Log.Removed(_logger, name, @namespace);
        var after = await CountAsync([@namespace], cancellationToken);
        return new PruneReport([name], [], before, after, null);
    }

    public async Task<PruneReport> PruneAsync(IReadOnlyList<string> namespaces, PruneOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var freeBefore = FreeBytes(options.DiskPath);
        var before = await CountAsync(namespaces, cancellationToken);
        var kept = new List<string>();
        var young = new List<string>();
        var unused = new List<(string Namespace, string Name, DateTimeOffset Changed)>();
        var cutoff = _time.GetUtcNow() - options.MinAge;
        foreach (var @namespace in namespaces)
        {
            var scope = containerd.Namespace(@namespace);
            var inUse = await ImagesInUseAsync(scope, cancellationToken);
            var images = (await scope.Images.ListAsync(new ImagesApi.ListImagesRequest(), cancellationToken: cancellationToken)).Images;
            foreach (var image in images)
            {
                var changed = (image.UpdatedAt ?? image.CreatedAt)?.ToDateTimeOffset() ?? DateTimeOffset.MinValue;
                if (inUse.Contains(image.Name))
                {
                    kept.Add($"{@namespace}/{image.Name}");
                }
                else if (changed <= cutoff)
                {
                    unused.Add((@namespace, image.Name, changed));
                }
                else
                {
                    young.Add($"{@namespace}/{image.Name}");
                }
            }
        }

        if (options.StopWhen is not null)
        {
            // Least recently pulled first, as the kubelet does: what goes is what is least likely to be deployed again.
            unused = [.. unused.OrderBy(u => u.Changed)];
        }

        var removed = new List<string>();
        for (var i = 0; i < unused.Count; i++)
        {
            var (@namespace, name, _) = unused[i];
            if (options.StopWhen?.Invoke() == true)
            {
                break;
            }

            removed.Add($"{@namespace}/{name}");
            if (options.DryRun)
            {
                continue;
            }

            try
            {
                // Without a stop condition one synchronous collection after a namespace's last record is enough.
                var sync = options.StopWhen is not null || i == unused.Count - 1 || unused[i + 1].Namespace != @namespace;
                await containerd.Namespace(@namespace).Images.DeleteAsync(new ImagesApi.DeleteImageRequest { Name = name, Sync = sync }, cancellationToken: cancellationToken);
                Log.Removed(_logger, name, @namespace);
            }
            catch (ContainerdException ex) when (ex.Kind == ContainerdErrorKind.NotFound)
            {
                // Removed meanwhile by someone else: the goal is reached.
            }
        }

        var after = options.DryRun ? before : await CountAsync(namespaces, cancellationToken);
        var freeAfter = FreeBytes(options.DiskPath);
        return new PruneReport(removed, kept, before, after, freeBefore is { } b && freeAfter is { } a ? Math.Max(0, a - b) : null) { Young = young };
    }

    public Task<IReadOnlyList<string>> ListNamespacesAsync(CancellationToken cancellationToken) =>
        FaasdNamespaces.ListAsync(containerd, cancellationToken);

    public Task<int> DeleteStaleLeasesAsync(CancellationToken cancellationToken) =>
        StaleLeases.DeleteAsync(containerd, cancellationToken);

    private static async Task<HashSet<string>> ImagesInUseAsync(ContainerdScope scope, CancellationToken cancellationToken)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        using var call = scope.Containers.ListStream(new ContainersApi.ListContainersRequest(), cancellationToken: cancellationToken);
        await foreach (var message in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            used.Add(message.Container.Image);
        }

        return used;
    }

    private async Task<StoreCounts> CountAsync(IReadOnlyList<string> namespaces, CancellationToken cancellationToken)
    {
        int images = 0, blobs = 0, snapshots = 0;
        long bytes = 0;
        foreach (var @namespace in namespaces)
        {
            var scope = containerd.Namespace(@namespace);
            images += (await scope.Images.ListAsync(new ImagesApi.ListImagesRequest(), cancellationToken: cancellationToken)).Images.Count;
            using (var content = scope.Content.List(new ContentApi.ListContentRequest(), cancellationToken: cancellationToken))
            {
                await foreach (var page in content.ResponseStream.ReadAllAsync(cancellationToken))
                {
                    blobs += page.Info.Count;
                    bytes += page.Info.Sum(i => i.Size);
                }
            }

            using var list = scope.Snapshots.List(new SnapshotsApi.ListSnapshotsRequest { Snapshotter = snapshotter }, cancellationToken: cancellationToken);
            await foreach (var page in list.ResponseStream.ReadAllAsync(cancellationToken))
            {
                snapshots += page.Info.Count;
            }
        }

        return new StoreCounts(images, blobs, bytes, snapshots);
    }

    private static long? FreeBytes(string? path) =>
        path is not null && Directory.Exists(path) ? new DriveInfo(path).AvailableFreeSpace : null;

    private static string Normalise(string reference)
    {
        try
        {
            return ImageReference.Parse(reference).ToString();
        }
        catch (FormatException)
        {
            return reference;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.UnusedImageRemoved, Level = LogLevel.Information, Message = "Removed unused image {Image} from namespace {Namespace}")] public static partial void Removed(ILogger logger, string image, string @namespace);
    }
}
