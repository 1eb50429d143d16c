namespace FaasD.Images.Store;

/// <summary>
/// The labels containerd's garbage collector and unpacker read, set exactly as containerd's own pull sets them:
/// an index points at its manifests, a manifest at its config and layers, the config at the unpacked snapshot;
/// layers record their uncompressed digest so they are never decompressed twice.
/// </summary>
internal static class GcLabels
{
    public static string IndexManifest(int position) => $"containerd.io/gc.ref.content.m.{position}";

    public const string ManifestConfig = "containerd.io/gc.ref.content.config";

    public static string ManifestLayer(int position) => $"containerd.io/gc.ref.content.l.{position}";

    public static string Snapshot(string snapshotter) => $"containerd.io/gc.ref.snapshot.{snapshotter}";

    public const string Uncompressed = "containerd.io/uncompressed";

    /// <summary>Where a blob came from (<c>containerd.io/distribution.source.docker.io=library/busybox</c>), for cross-repository mounts.</summary>
    public static string DistributionSource(string domain) => $"containerd.io/distribution.source.{domain}";
}
