namespace FaasD.Compose.Running;

/// <summary>What bringing one service up took.</summary>
public enum ServiceStartOutcome
{
    /// <summary>Its container was already running with the same definition: left alone.</summary>
    Adopted,

    /// <summary>Same definition, but the task was missing or stopped (a reboot, a crash): task started again.</summary>
    Started,

    /// <summary>No container yet: created and started.</summary>
    Created,

    /// <summary>The definition changed: old container removed (its data mounts untouched), new one created.</summary>
    Recreated,

    /// <summary>It, or one of its dependencies, could not be started; the log says why.</summary>
    Failed,
}
