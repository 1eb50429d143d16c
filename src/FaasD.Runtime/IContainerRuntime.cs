using System.Net;

namespace FaasD.Runtime;

/// <summary>What to run: everything the OCI spec is built from, in our own terms.</summary>
public sealed record ContainerSpec
{
    public required string Namespace { get; init; }
    public required string Id { get; init; }
    public required string Image { get; init; }

    /// <summary>Replaces the image's entrypoint+cmd when set.</summary>
    public IReadOnlyList<string>? Args { get; init; }

    /// <summary>KEY=VALUE pairs applied over the image's environment (same key replaces).</summary>
    public IReadOnlyList<string> Env { get; init; } = [];

    public string? User { get; init; }
    public string? WorkingDirectory { get; init; }
    public string? Hostname { get; init; }
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Opaque bytes kept with the container (a function's deployment), read back by <see cref="ContainerRecord.Payload"/>.</summary>
    public ReadOnlyMemory<byte> Payload { get; init; }

    public IReadOnlyList<BindMount> Mounts { get; init; } = [];
    public long? MemoryLimitBytes { get; init; }

    /// <summary>CPU limit in millicores (1000 = one core).</summary>
    public long? CpuMillis { get; init; }

    public bool ReadOnlyRootFilesystem { get; init; }

    /// <summary>Linux capability names (CAP_NET_RAW ...); null keeps the runtime default set.</summary>
    public IReadOnlyList<string>? Capabilities { get; init; }

    /// <summary>
    /// Tasks of one namespace with the same group share one containerd shim process (the runc v2 shim's grouping
    /// annotation) instead of a shim each; null: a shim of its own. Fixed when the container is created.
    /// </summary>
    public string? ShimGroup { get; init; }
}

/// <param name="OwnedByProcessUser">
/// Mount a private copy owned by the user the container's process runs as (mode 0400) instead of the file
/// itself: for secrets, which a non-root function could not read otherwise.
/// </param>
public sealed record BindMount(string Source, string Destination, bool ReadOnly, bool OwnedByProcessUser = false);

/// <summary>A container as read back from containerd.</summary>
public sealed record ContainerRecord(
    string Namespace,
    string Id,
    string Image,
    IReadOnlyDictionary<string, string> Labels,
    ReadOnlyMemory<byte> Payload,
    DateTimeOffset CreatedAt);

public enum TaskState
{
    /// <summary>No task exists (never started, removed, or lost with a reboot).</summary>
    None,
    Created,
    Running,
    Paused,
    Stopped,
}

public sealed record TaskInfo(TaskState State, uint Pid, IPAddress? Address);

/// <summary>A containerd namespace and its labels.</summary>
public sealed record NamespaceRecord(string Name, IReadOnlyDictionary<string, string> Labels);

public sealed record TaskExit(string Namespace, string Id, uint ExitStatus, DateTimeOffset ExitedAt);

/// <summary>
/// Containers and their tasks on containerd, each in its own network namespace on the CNI bridge.
/// Every method is idempotent so a crashed multi-step operation can simply be run again.
/// Failures are <see cref="RuntimeException"/> with a closed <see cref="RuntimeErrorKind"/>.
/// </summary>
public interface IContainerRuntime
{
    /// <summary>Pulls and unpacks the image into the namespace unless it is already there.</summary>
    Task EnsureImageAsync(string @namespace, string image, CancellationToken cancellationToken);

    /// <summary>containerd's version; Unavailable while containerd does not answer (start-up wait, health).</summary>
    Task<string> GetVersionAsync(CancellationToken cancellationToken);

    /// <summary>Every containerd namespace with its labels.</summary>
    Task<IReadOnlyList<NamespaceRecord>> ListNamespacesAsync(CancellationToken cancellationToken);

    /// <summary>Creates the namespace unless it exists, and adds or corrects the given labels (others are kept).</summary>
    Task EnsureNamespaceAsync(string @namespace, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken);

    /// <summary>Replaces all labels of an existing namespace. Throws NotFound.</summary>
    Task ReplaceNamespaceLabelsAsync(string @namespace, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken);

    /// <summary>Deletes the namespace; FailedPrecondition while it still holds containers, images or snapshots; gone is success.</summary>
    Task DeleteNamespaceAsync(string @namespace, CancellationToken cancellationToken);

    /// <summary>Creates the container and its snapshot. Throws AlreadyExists.</summary>
    Task CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken);

    Task<IReadOnlyList<ContainerRecord>> ListContainersAsync(string @namespace, CancellationToken cancellationToken);

    Task<ContainerRecord?> GetContainerAsync(string @namespace, string id, CancellationToken cancellationToken);

    /// <summary>Netns + CNI ADD, task create with stdout/stderr to the container's log file, start. Returns when started.</summary>
    Task<TaskInfo> StartTaskAsync(string @namespace, string id, CancellationToken cancellationToken);

    Task<TaskInfo> GetTaskAsync(string @namespace, string id, CancellationToken cancellationToken);

    /// <summary>Freezes every process of the task (cgroup freezer).</summary>
    Task PauseAsync(string @namespace, string id, CancellationToken cancellationToken);

    Task ResumeAsync(string @namespace, string id, CancellationToken cancellationToken);

    /// <summary>SIGTERM, wait up to <paramref name="gracePeriod"/>, SIGKILL; delete the task; CNI DEL; remove the netns.</summary>
    Task StopTaskAsync(string @namespace, string id, TimeSpan gracePeriod, CancellationToken cancellationToken);

    /// <summary>Deletes the container and its snapshot (stops the task first if one is left).</summary>
    Task DeleteContainerAsync(string @namespace, string id, CancellationToken cancellationToken);

    /// <summary>Adds or replaces these labels on a container FaasD made, keeping its others; NotFound when it is gone.</summary>
    Task SetContainerLabelsAsync(string @namespace, string id, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken);

    /// <summary>
    /// Releases (CNI DEL, netns) the network attachments in this namespace whose container no longer exists and that
    /// were last touched at least <paramref name="olderThan"/> ago: a container is always created before its
    /// attachment and detached before it is deleted, so such an attachment is what a crash or a failed removal left.
    /// <paramref name="knownContainers"/> (the namespace's containers as the caller just listed them) are skipped
    /// without a lookup; any other is looked up once more before its attachment is released.
    /// Returns the container ids whose attachments were released.
    /// </summary>
    Task<IReadOnlyList<string>> ReleaseOrphanedNetworksAsync(string @namespace, IEnumerable<string> knownContainers, TimeSpan olderThan, CancellationToken cancellationToken);

    /// <summary>Path of the file the task's stdout/stderr are written to.</summary>
    string LogPathFor(string @namespace, string id);

    /// <summary>Task exit events from containerd, until cancelled.</summary>
    IAsyncEnumerable<TaskExit> WatchExitsAsync(CancellationToken cancellationToken);
}
