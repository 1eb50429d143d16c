namespace FaasD.Images.Collection;

/// <summary>
/// Removes images nobody uses, with their content and snapshots: the image record goes, then containerd's
/// garbage collector (run synchronously) takes every blob and snapshot nothing references any more. An image a
/// container still uses is never removed.
/// </summary>
public interface IImageCollector
{
    /// <summary>Removes one image; <see cref="ImageInUseException"/> when a container uses it, NotFound when absent.</summary>
    Task<PruneReport> RemoveAsync(string @namespace, string reference, CancellationToken cancellationToken);

    /// <summary>Removes (or with <see cref="PruneOptions.DryRun"/> only lists) every unused image of these namespaces.</summary>
    Task<PruneReport> PruneAsync(IReadOnlyList<string> namespaces, PruneOptions options, CancellationToken cancellationToken);

    /// <summary>The containerd namespaces whose images FaasD manages (openfaas-fn, every namespace labelled <c>openfaas</c>, and the compose services' <c>openfaas</c>).</summary>
    Task<IReadOnlyList<string>> ListNamespacesAsync(CancellationToken cancellationToken);

    /// <summary>Deletes the leases a killed FaasD process left behind in those namespaces (they would pin content and snapshots for 24 h); returns how many.</summary>
    Task<int> DeleteStaleLeasesAsync(CancellationToken cancellationToken);
}

public sealed record PruneOptions
{
    /// <summary>List what would go, remove nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>
    /// Images created or updated more recently than this are kept: a deploy pulls its image before it creates the
    /// container, and the collector must not take the image in between.
    /// </summary>
    public TimeSpan MinAge { get; init; }

    /// <summary>Where free space is measured before and after (containerd's root); null: not measured.</summary>
    public string? DiskPath { get; init; }

    /// <summary>
    /// Asked before each removal; true ends the prune (e.g. the disk is below the low watermark again). With it the
    /// unused images go oldest first, each collected synchronously so the space it held is free when it is asked
    /// again. Null: every unused image goes.
    /// </summary>
    public Func<bool>? StopWhen { get; init; }
}

/// <summary>What a removal or prune did: images removed (or that would be), kept because in use, and the store before/after.</summary>
public sealed record PruneReport(
    IReadOnlyList<string> Removed,
    IReadOnlyList<string> InUse,
    StoreCounts Before,
    StoreCounts After,
    long? FreedBytes)
{
    /// <summary>Unused images kept because they are younger than <see cref="PruneOptions.MinAge"/> (<c>namespace/name</c>).</summary>
    public IReadOnlyList<string> Young { get; init; } = [];
}

/// <summary>Images, content blobs (and their total size) and snapshots in the namespaces looked at.</summary>
public sealed record StoreCounts(int Images, int Blobs, long BlobBytes, int Snapshots);

public sealed class ImageInUseException(string message) : Exception(message);
