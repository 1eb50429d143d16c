using System.Net;

namespace FaasD.Network;

/// <summary>A container's place on the CNI bridge: its named network namespace and its address.</summary>
public sealed record NetworkAttachment(string Id, string NetnsPath, IPAddress Address);

/// <summary>
/// Named network namespaces (bind mounts under /var/run/netns) wired to the bridge by CNI plugins.
/// Every call is idempotent: attaching twice returns the first attachment, detaching twice is fine.
/// </summary>
public interface INetworkManager
{
    /// <summary>Path the OCI spec should name for the container's network namespace (the netns need not exist yet).</summary>
    string NetnsPathFor(string id);

    /// <summary>
    /// Creates the named netns (no CNI yet) so a task can be created in it while <see cref="AttachAsync"/> runs
    /// CNI ADD for the same id: the two overlap on a cold start. Returns the netns path. Idempotent.
    /// </summary>
    Task<string> PrepareAsync(string id, CancellationToken cancellationToken);

    /// <summary>Creates the netns when absent (keeping one <see cref="PrepareAsync"/> made) and runs CNI ADD; returns the container's IP.</summary>
    Task<NetworkAttachment> AttachAsync(string id, CancellationToken cancellationToken);

    /// <summary>The current attachment, or null when the container has none (e.g. after a reboot).</summary>
    Task<NetworkAttachment?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>CNI DEL, then removes the netns. Safe to repeat and safe on a half-made attachment.</summary>
    Task DetachAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Ids of the attachments on this network (its records whose config is this daemon's network) that start with
    /// <paramref name="idPrefix"/>, are not in <paramref name="except"/> and were last written at least
    /// <paramref name="olderThan"/> ago. Only records that pass the name and age checks are read.
    /// </summary>
    Task<IReadOnlyList<string>> ListAttachmentsAsync(string idPrefix, IReadOnlySet<string> except, TimeSpan olderThan, CancellationToken cancellationToken);
}
