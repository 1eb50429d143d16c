using System.Runtime.CompilerServices;
using EventsApi = FaasD.Containerd.Api.Events;

namespace FaasD.Images.Collection;

/// <summary>What image GC watches in containerd: FaasD's namespaces, and the namespaces containers are deleted in.</summary>
internal interface IImageGcSource
{
    Task<IReadOnlyList<string>> ListNamespacesAsync(CancellationToken cancellationToken);

    /// <summary>The namespace of each container deleted from now on; ends or throws when containerd's stream breaks.</summary>
    IAsyncEnumerable<string> WatchContainerDeletesAsync(CancellationToken cancellationToken);
}

/// <summary>How full the file system holding a directory is.</summary>
internal interface IDiskUsage
{
    /// <summary>Used share of the file system holding <paramref name="path"/>, 0–100; null when the path does not exist.</summary>
    double? UsedPercent(string path);
}

/// <summary>The containerd-backed source: <see cref="FaasdNamespaces"/> and the <c>/containers/delete</c> event stream.</summary>
internal sealed class ContainerdImageGcSource(ContainerdClient containerd) : IImageGcSource
{
    private const string ContainerDeleteFilter = "topic==\"/containers/delete\"";

    public Task<IReadOnlyList<string>> ListNamespacesAsync(CancellationToken cancellationToken) =>
        FaasdNamespaces.ListAsync(containerd, cancellationToken);

    public async IAsyncEnumerable<string> WatchContainerDeletesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var call = containerd.Global.Events.Subscribe(
            new EventsApi.SubscribeRequest { Filters = { ContainerDeleteFilter } }, cancellationToken: cancellationToken);
        while (await call.ResponseStream.MoveNext(cancellationToken))
        {
            yield return call.ResponseStream.Current.Namespace;
        }
    }
}

/// <summary>statvfs through <see cref="DriveInfo"/>: the share of blocks not available to unprivileged users counts as used, as in df.</summary>
internal sealed class DriveDiskUsage : IDiskUsage
{
    public double? UsedPercent(string path)
    {
        if (!Directory.Exists(path))
        {
            return null;
        }

        var drive = new DriveInfo(path);
        return drive.TotalSize == 0 ? null : 100.0 * (drive.TotalSize - drive.AvailableFreeSpace) / drive.TotalSize;
    }
}
