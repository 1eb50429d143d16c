namespace FaasD.Images;

/// <summary>An image in containerd, resolved for this platform: everything the runtime needs to create a container.</summary>
/// <param name="Name">The normalised image name, e.g. <c>docker.io/library/busybox:latest</c>.</param>
/// <param name="TargetDigest">What the image record points at: a manifest or an index.</param>
/// <param name="ManifestDigest">The platform manifest used.</param>
/// <param name="ConfigDigest">The image config blob.</param>
/// <param name="Config">Entrypoint, cmd, env, workdir, user …</param>
/// <param name="ChainId">The committed snapshot of the top layer: the parent of a container's rootfs snapshot.</param>
/// <param name="Snapshotter">The snapshotter <paramref name="ChainId"/> lives in.</param>
public sealed record LocalImage(
    string Name,
    string TargetDigest,
    string ManifestDigest,
    string ConfigDigest,
    ImageConfig Config,
    string ChainId,
    string Snapshotter);
