namespace FaasD.Images.Collection;

/// <summary>When the automatic image GC (<c>AddImageGarbageCollection</c>) runs and how full the disk may get.</summary>
public sealed record ImageGcOptions
{
    /// <summary>Off: images are removed only by `faasd image rm|prune`.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>containerd's root directory: where disk use is measured.</summary>
    public string DiskPath { get; init; } = "/var/lib/containerd";

    /// <summary>Disk use (percent) at which unused images of every FaasD namespace are pruned.</summary>
    public int HighThreshold { get; init; } = 85;

    /// <summary>
    /// Disk use (percent) a watermark prune stops below (least recently pulled images go first); above it after a
    /// prune, a warning says what is left is in use or too young.
    /// </summary>
    public int LowThreshold { get; init; } = 80;

    /// <summary>
    /// Unused images pulled more recently than this are kept (a deploy pulls its image before it creates the
    /// container); a namespace that still has such images after a delete is looked at again in the next round.
    /// </summary>
    public TimeSpan MinAge { get; init; } = TimeSpan.FromMinutes(2);
}
